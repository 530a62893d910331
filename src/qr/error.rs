//! The one error type of the QR photo path. The HTTP layer maps each variant to a status:
//! `UnsupportedFormat` → 415, `TooLarge` → 413, `Corrupt` and `NoCode` → 422,
//! `DecoderPanic` and `Busy` → 500/503.

/// Why an uploaded image yielded no QR text.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes are not an image format we read (HEIC/HEIF, AVIF, PDF, anything else).
    /// `format` names what was recognised, e.g. `"HEIC"`, `"AVIF"`, `"unknown"`.
    #[error(
        "{format} images are not supported: set the phone camera to \"Most compatible\" (JPEG) \
         or send a screenshot of the photo (PNG or JPEG)"
    )]
    UnsupportedFormat { format: &'static str },

    /// The file, its dimensions or its pixel count exceed [`super::Limits`].
    #[error("image too large: {what}")]
    TooLarge { what: String },

    /// The file is truncated or invalid for its format.
    #[error("image is corrupt or truncated: {reason}")]
    Corrupt { reason: String },

    /// The image was read but holds no readable QR code.
    #[error("no readable QR code in the image")]
    NoCode,

    /// A decoder panicked; the panic was caught and only this upload failed.
    #[error("internal decoder failure")]
    DecoderPanic,

    /// The decode task could not run (the runtime is shutting down).
    #[error("decoder unavailable")]
    Unavailable,
}

impl DecodeError {
    /// A stable, machine-readable code for logs, JSON output and problem+json `type`s.
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::UnsupportedFormat { .. } => "unsupported_format",
            DecodeError::TooLarge { .. } => "too_large",
            DecodeError::Corrupt { .. } => "corrupt",
            DecodeError::NoCode => "no_code",
            DecodeError::DecoderPanic => "decoder_panic",
            DecodeError::Unavailable => "unavailable",
        }
    }
}
