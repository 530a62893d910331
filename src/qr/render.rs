//! Rendering the QR codes hospes prints (property invitations, receipts) as SVG and PNG.

use qrcode::{EcLevel, QrCode};

/// Error correction for printed codes: level M survives creases and glare on a door sign while
/// keeping invitation URLs at a low version.
const LEVEL: EcLevel = EcLevel::M;

fn code(text: &str) -> QrCode {
    QrCode::with_error_correction_level(text.as_bytes(), LEVEL)
        .unwrap_or_else(|_| QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).expect("text fits a QR code"))
}

/// An SVG of `text` with a four-module quiet zone.
pub fn svg(text: &str) -> String {
    code(text).render::<qrcode::render::svg::Color>().min_dimensions(256, 256).quiet_zone(true).build()
}

/// A PNG of `text`, `module_px` pixels per module, with a four-module quiet zone.
pub fn png(text: &str, module_px: u32) -> Vec<u8> {
    let img = code(text).render::<image::Luma<u8>>().module_dimensions(module_px, module_px).quiet_zone(true).build();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("PNG encodes in memory");
    out.into_inner()
}
