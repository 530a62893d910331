//! Walks a JPEG's marker segments up to its first scan (ITU-T T.81 §B.1.1, §B.2), for the two
//! readers that need the headers themselves: [`super::restart`] (cutting at restart markers) and
//! [`super::quarter`] (the quarter-size reader).

/// One marker segment: its marker (the byte after 0xFF), the whole segment (marker, length and
/// body), its body, and where the next one starts in the file (for SOS: the first byte of the
/// entropy-coded data).
pub struct Segment<'a> {
    pub marker: u8,
    pub bytes: &'a [u8],
    pub body: &'a [u8],
    pub end: usize,
}

/// The segments after SOI, in order. Ends early, at the first thing that is not a well-formed
/// segment: no SOI, a byte that is not a marker, a standalone marker (RSTm, SOI, EOI, TEM have no
/// business before the first scan), a length under 2 or past the end of the file. Callers stop at
/// SOS themselves; after it come entropy-coded data, not segments.
pub fn segments(bytes: &[u8]) -> impl Iterator<Item = Segment<'_>> {
    let mut at = if bytes.starts_with(&[0xFF, 0xD8]) { 2 } else { usize::MAX };
    std::iter::from_fn(move || {
        // Markers may be preceded by any number of 0xFF fill bytes (§B.1.1.2).
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        if matches!(marker, 0x01 | 0xD0..=0xD9) {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([*bytes.get(at + 2)?, *bytes.get(at + 3)?]));
        if len < 2 {
            return None;
        }
        let segment = bytes.get(at..at + 2 + len)?;
        at += 2 + len;
        Some(Segment { marker, bytes: segment, body: &segment[4..], end: at })
    })
}
