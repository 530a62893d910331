//! The QR codes hospes prints: property invitation URLs and receipts.
//!
//! Error correction level M (15 % of codewords recoverable, ISO/IEC 18004 §5.1) and the
//! standard 4-module quiet zone: a code printed on a door sign and photographed small (3 px a
//! module), tilted 7°, blurred and JPEG-compressed at quality 50 still decodes with rqrr,
//! zxing-cpp and hospes (`tests/qr_render.rs`).
//!
//! Why M: at a given print size, each level up adds modules and shrinks them; measured on such
//! photos, rqrr read 8 of 9 variants of a 60-byte URL at M (33 modules) against 6 of 9 at Q
//! (37 modules), and zxing-cpp/hospes read all at every level. What matters most is the text's
//! length: rqrr reads codes up to version 5 (37 modules, ~80 bytes at M) reliably and larger
//! ones poorly once tilted, so invitation and receipt codes should carry a short URL (an opaque
//! token), not a whole JWS. Texts too long for level M fall back to L.

use qrcode::{EcLevel, QrCode, render::svg};

/// Why a text cannot be rendered.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum RenderError {
    #[error("text of {len} bytes does not fit in a QR code (at most 2953 bytes)")]
    TooLong { len: usize },
    #[error("PNG encoding failed: {0}")]
    Png(String),
}

/// Quiet zone around the symbol, in modules (the ISO/IEC 18004 minimum).
pub const QUIET_ZONE_MODULES: u32 = 4;

fn code(text: &str) -> Result<QrCode, RenderError> {
    [EcLevel::M, EcLevel::L]
        .into_iter()
        .find_map(|level| QrCode::with_error_correction_level(text.as_bytes(), level).ok())
        .ok_or(RenderError::TooLong { len: text.len() })
}

/// The code as a standalone SVG document (black on white, 8 user units a module, with a
/// `viewBox`, so it scales to any print size).
///
/// # Errors
/// [`RenderError::TooLong`] above 2953 bytes.
pub fn try_svg(text: &str) -> Result<String, RenderError> {
    Ok(code(text)?
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(8, 8)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// [`try_svg`] for texts hospes makes (URLs, receipts), which always fit.
///
/// # Panics
/// If `text` exceeds 2953 bytes.
pub fn svg(text: &str) -> String {
    try_svg(text).expect("QR text too long to render")
}

/// The code as an 8-bit grayscale PNG, `module_px` pixels a module (at least 1), quiet zone
/// included.
///
/// # Errors
/// [`RenderError::TooLong`] above 2953 bytes.
pub fn try_png(text: &str, module_px: u32) -> Result<Vec<u8>, RenderError> {
    let module_px = module_px.max(1);
    let image =
        code(text)?.render::<image::Luma<u8>>().quiet_zone(true).module_dimensions(module_px, module_px).build();
    let mut out = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .map_err(|e| RenderError::Png(e.to_string()))?;
    Ok(out)
}

/// [`try_png`] for texts hospes makes (URLs, receipts), which always fit.
///
/// # Panics
/// If `text` exceeds 2953 bytes.
pub fn png(text: &str, module_px: u32) -> Vec<u8> {
    try_png(text, module_px).expect("QR text too long to render")
}
