//! hospes's integration tests: one binary, one harness (`helpers`), the real router on port 0
//! against a fresh database per test. `HOSPES_TEST_DATABASE=postgres` runs them on PostgreSQL.

mod audit;
mod bad_input;
mod browser;
mod browser_pages;
mod helpers;
mod interop;
mod keys;
mod journey;
mod pages;
mod partner_store_story;
mod partners;
mod police;
mod police_pages;
mod police_store_story;
mod privacy;
mod registry;
mod seal_verify;
mod store_story;
mod tlog;
mod webdriver;
