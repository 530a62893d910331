//! QR codes: decoding photos (format detection, limits, decoders) and rendering the codes hospes
//! prints.

pub mod decode;
pub mod render;

pub use decode::{DecodeError, Decoder, Limits, decode_bytes};
