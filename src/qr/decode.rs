//! Decoding QR codes from uploaded photos: the format is detected from the bytes, decoder limits
//! bound memory, and a panic inside a decoder becomes an error for that photo only.
//!
//! First version: `image` + `rqrr` on the grey image; the robustness work deepens it.

use std::sync::Arc;

use tokio::sync::Semaphore;

/// Bounds on what a photo may cost to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_width: u32,
    pub max_height: u32,
    pub max_alloc: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 25 * 1024 * 1024, max_width: 10_000, max_height: 10_000, max_alloc: 256 * 1024 * 1024 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("{format} images are not supported")]
    UnsupportedFormat { format: &'static str },
    #[error("the image is too large")]
    TooLarge,
    #[error("the image is damaged or truncated")]
    Corrupt,
    #[error("no QR code could be read in the image")]
    NoCode,
    #[error("the decoder failed on this image")]
    DecoderPanic,
}

/// Decodes every QR code in an image file's bytes.
pub fn decode_bytes(bytes: &[u8], limits: &Limits) -> Result<Vec<String>, DecodeError> {
    if bytes.len() > limits.max_bytes {
        return Err(DecodeError::TooLarge);
    }
    if is_heif(bytes) {
        return Err(DecodeError::UnsupportedFormat { format: "HEIC/HEIF/AVIF" });
    }
    let format = image::guess_format(bytes).map_err(|_| DecodeError::UnsupportedFormat { format: "this file type" })?;
    let result = std::panic::catch_unwind(|| {
        let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
        let mut image_limits = image::Limits::default();
        image_limits.max_image_width = Some(limits.max_width);
        image_limits.max_image_height = Some(limits.max_height);
        image_limits.max_alloc = Some(limits.max_alloc);
        reader.limits(image_limits);
        let img = reader.decode().map_err(|e| match e {
            image::ImageError::Limits(_) => DecodeError::TooLarge,
            image::ImageError::Unsupported(_) => DecodeError::UnsupportedFormat { format: "this image encoding" },
            _ => DecodeError::Corrupt,
        })?;
        let luma = img.to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(luma);
        let texts: Vec<String> = prepared
            .detect_grids()
            .into_iter()
            .filter_map(|g| g.decode().ok().map(|(_, text)| text))
            .collect();
        if texts.is_empty() { Err(DecodeError::NoCode) } else { Ok(texts) }
    });
    result.unwrap_or(Err(DecodeError::DecoderPanic))
}

/// HEIF-family files (HEIC, AVIF) start with an ISO BMFF `ftyp` box.
fn is_heif(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && &bytes[4..8] == b"ftyp" && {
        let brand = &bytes[8..12];
        [b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"].iter().any(|b| brand == *b)
    }
}

/// Decodes photos off the async runtime, at most `permits` at a time.
#[derive(Clone)]
pub struct Decoder {
    permits: Arc<Semaphore>,
    limits: Limits,
}

impl Decoder {
    pub fn new(concurrent: usize, limits: Limits) -> Self {
        Decoder { permits: Arc::new(Semaphore::new(concurrent.max(1))), limits }
    }

    pub async fn decode(&self, bytes: bytes::Bytes) -> Result<Vec<String>, DecodeError> {
        let _permit = self.permits.acquire().await.map_err(|_| DecodeError::DecoderPanic)?;
        let limits = self.limits;
        tokio::task::spawn_blocking(move || decode_bytes(&bytes, &limits))
            .await
            .unwrap_or(Err(DecodeError::DecoderPanic))
    }
}
