//! The one error type of the QR photo path. The HTTP layer maps each variant to a status:
//! `UnsupportedFormat` → 415, `TooLarge` → 413, `Corrupt` and `NoCode` → 422,
//! `DecoderPanic` → 500 (or a "take it again" 422). Why a file was too large or corrupt is
//! logged at debug level (target `hospes::qr`), not carried: the landlord can act on neither.

/// Why an uploaded image yielded no QR text.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes are not an image format we read (HEIC/HEIF, AVIF, PDF, anything else).
    /// `format` names what was recognised, e.g. `"HEIC"`, `"AVIF"`, `"unknown"`.
    #[error("{}", unsupported_message(format))]
    UnsupportedFormat { format: &'static str },

    /// The file, its dimensions, its pixel count or its decoded size exceed [`super::Limits`].
    #[error("the image is too large (the limits admit phone photos up to 48 megapixels and 32 MiB)")]
    TooLarge,

    /// The file is truncated or invalid for its format.
    #[error("the image is damaged or truncated")]
    Corrupt,

    /// The image was read but holds no readable QR code.
    #[error("no readable QR code in the image")]
    NoCode,

    /// A decoder panicked (caught: only this upload failed), or the decode task could not run.
    #[error("the decoder failed on this image")]
    DecoderPanic,
}

/// What the landlord should do, by what was sent.
fn unsupported_message(format: &str) -> String {
    match format {
        "HEIC" | "AVIF" | "JPEG XL" => format!(
            "{format} photos cannot be read: set the phone camera to \"Most compatible\" (JPEG), or send a \
             screenshot of the photo"
        ),
        _ => format!("this file ({format}) is not a photo hospes can read: send a JPEG or PNG photo, or a screenshot"),
    }
}

impl DecodeError {
    /// A stable, machine-readable code for logs, JSON output and problem+json `type`s.
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::UnsupportedFormat { .. } => "unsupported_format",
            DecodeError::TooLarge => "too_large",
            DecodeError::Corrupt => "corrupt",
            DecodeError::NoCode => "no_code",
            DecodeError::DecoderPanic => "decoder_panic",
        }
    }
}
