//! QR codes: decoding photos and rendering codes.
