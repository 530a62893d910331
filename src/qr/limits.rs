//! Resource limits for decoding one uploaded image.

/// Bounds applied before and while an image is decoded, so that no file (a tiny file declaring
/// huge dimensions, a PNG bomb) can take more memory or time than a large phone photo.
///
/// [`Limits::default`] admits phone photos up to 48 megapixels (50 331 648 px, e.g. 8192 × 6144)
/// and 32 MiB of file, and caps any single decoder allocation at 192 MiB — below the `image`
/// crate's own default of 512 MiB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted file, in bytes.
    pub max_bytes: usize,
    /// Largest accepted width or height, in pixels.
    pub max_side_px: u32,
    /// Largest accepted width × height, in pixels.
    pub max_pixels: u64,
    /// Largest single allocation a decoder of the `image` crate may make, in bytes.
    pub max_alloc_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 32 * 1024 * 1024,
            max_side_px: 16_384,
            max_pixels: 48 * 1024 * 1024,
            max_alloc_bytes: 192 * 1024 * 1024,
        }
    }
}

impl Limits {
    /// Checks declared dimensions against the limits.
    pub(crate) fn check_dimensions(&self, width: u64, height: u64) -> Result<(), super::DecodeError> {
        if width == 0 || height == 0 {
            tracing::debug!(target: "hospes::qr", "zero-sized image");
            return Err(super::DecodeError::Corrupt);
        }
        let side = u64::from(self.max_side_px);
        if width > side || height > side || width * height > self.max_pixels {
            tracing::debug!(target: "hospes::qr", width_px = width, height_px = height, "image dimensions above the limits");
            return Err(super::DecodeError::TooLarge);
        }
        Ok(())
    }
}
