//! The quarter-size JPEG reader (`src/qr/quarter.rs`) on arbitrary bytes, on one thread and on two
//! (forced, whatever the size): it must return, never panic, and give the same answer both ways;
//! the second thread's resynchronisation must never change a result.
//!
//! Run: `cargo +nightly fuzz run qr_quarter -- -max_total_time=600` (see fuzz/README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [one, two] = hospes::qr::quarter_on_one_and_two_threads(data);
    assert!(one == two, "one and two threads differ");
});
