//! The whole QR photo path on arbitrary bytes: format sniffing, every image decoder, EXIF,
//! limits, the decode cascade (rxing, rqrr) and reading order. It must return, never panic or
//! exhaust memory. Limits are tighter than the service's so each input stays fast; the code
//! paths are the same.
//!
//! Run: `cargo +nightly fuzz run qr_decode -- -max_total_time=600` (see fuzz/README.md).
#![no_main]

use hospes::qr::{Limits, decode::decode_bytes_traced};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_bytes: 1 << 20,
        max_side_px: 4096,
        max_pixels: 1 << 20,
        max_alloc_bytes: 16 << 20,
    };
    let (_result, trace) = decode_bytes_traced(data, &limits);
    // A panic caught inside the cascade is still a bug to find: surface it.
    assert_eq!(trace.panics, 0, "a decoder panicked (caught in production)");
});
