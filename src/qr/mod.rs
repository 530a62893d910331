//! QR codes: reading them from photos that landlords upload, and rendering the codes hospes
//! prints (property invitations, receipts).
//!
//! - [`decode::decode_bytes`]: bytes → every QR text in the image, in reading order. Format
//!   sniffed from the bytes; HEIC/AVIF refused; [`Limits`] bound memory; panics caught.
//! - [`Decoder`]: the async front for the HTTP layer: runs decodes on tokio's blocking pool,
//!   at most N at a time.
//! - [`render`]: SVG and PNG of a code, sized to survive printing and re-photographing.
//! - [`cli`]: `hospes qr decode FILE... --json`.
//!
//! This module owns no HTTP, storage or domain types; it maps nothing to status codes itself
//! (see [`DecodeError`] for the intended mapping).

pub mod cli;
pub mod decode;
pub mod render;

mod cascade;
mod engines;
mod error;
mod exif;
mod limits;
mod load;
mod luma;
mod quarter;
mod restart;
mod segments;
mod text;

use std::sync::Arc;

pub use decode::decode_bytes;
pub use error::DecodeError;
pub use limits::Limits;

#[doc(hidden)]
pub use cascade::Trace;

/// For the fuzz target: the quarter-size JPEG reader's result (width, height, pixels) on one
/// thread and on two, forced whatever the file's size. They must always be equal.
#[doc(hidden)]
pub fn quarter_on_one_and_two_threads(bytes: &[u8]) -> [Option<(usize, usize, Vec<u8>)>; 2] {
    [usize::MAX, 0].map(|from| quarter::decode_with(bytes, from).map(|l| (l.width, l.height, l.pixels)))
}

/// Decodes uploads off the async runtime with a bound on concurrent decodes, so a burst of
/// uploads neither stalls other requests nor multiplies peak memory. Cheap to clone; clones
/// share the bound.
#[derive(Clone, Debug)]
pub struct Decoder {
    permits: Arc<tokio::sync::Semaphore>,
    limits: Arc<Limits>,
}

impl Decoder {
    /// A decoder running at most `max_concurrent` decodes at once (at least 1).
    pub fn new(max_concurrent: usize, limits: Limits) -> Decoder {
        Decoder { permits: Arc::new(tokio::sync::Semaphore::new(max_concurrent.max(1))), limits: Arc::new(limits) }
    }

    /// How many more decodes could start now without waiting.
    pub fn available_permits(&self) -> usize {
        self.permits.available_permits()
    }

    /// Decodes on the blocking pool once a permit is free; see [`decode::decode_bytes`].
    pub async fn decode(&self, bytes: bytes::Bytes) -> Result<Vec<String>, DecodeError> {
        let _permit = self.permits.acquire().await.map_err(|_| DecodeError::DecoderPanic)?;
        let limits = Arc::clone(&self.limits);
        // A panic is already caught inside; a join error means the runtime is shutting down.
        tokio::task::spawn_blocking(move || decode::decode_bytes(&bytes, &limits))
            .await
            .unwrap_or(Err(DecodeError::DecoderPanic))
    }
}

impl Default for Decoder {
    /// As many concurrent decodes as there are CPUs, with [`Limits::default`].
    fn default() -> Decoder {
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Decoder::new(cpus, Limits::default())
    }
}
