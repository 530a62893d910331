//! Cuts a baseline JPEG that has restart markers into horizontal strips that decode on their own,
//! so the strips of one photo can be entropy-decoded on several cores.
//!
//! ITU-T T.81 §F.1.2.3 and §B.2.4.4: at a restart marker (RSTm) the entropy coder starts afresh —
//! byte-aligned, DC predictions reset to zero. A restart that falls at the start of an MCU row
//! therefore begins a valid scan of the rows below it. A strip is a standalone JPEG: the tables
//! and restart interval of the photo, its frame header with the strip's height, the scan header,
//! and the entropy-coded bytes between two such restarts. Nothing here reads Huffman codes: the
//! cut is found by counting RSTm markers (0xFF 0xD0–0xD7; a 0xFF in coded data is always
//! followed by a stuffed 0x00, §F.1.2.3) and the strips are decoded by zune-jpeg.
//!
//! Only the simple, common case is cut: one baseline (SOF0/SOF1) interleaved scan holding every
//! component, with a restart interval. Anything else (progressive, no DRI, a restart interval that
//! never ends on a row, several scans) gives `None`, and the caller decodes the file whole.

use super::segments::{Segment, segments};

/// One strip: a JPEG of its own and how many rows of the photo it holds (strips come top to
/// bottom).
pub struct Strip {
    pub jpeg: Vec<u8>,
    /// Rows it holds, in pixels.
    pub height_px: usize,
}

/// What the headers say, as far as cutting needs.
struct Layout {
    /// Every header segment a strip needs (tables, DRI, frame, scan; no APPn or COM), in order.
    header: Vec<u8>,
    /// Where the frame header's height field sits in `header`.
    height_at: usize,
    width_px: usize,
    height_px: usize,
    mcu_w: usize,
    mcu_h: usize,
    restart_interval: usize,
    /// First byte of entropy-coded data in the file.
    scan_start: usize,
}

/// Cuts `bytes` into at most `parts` strips of about equal height, or `None` when the file is not
/// a single-scan baseline JPEG with restart markers at MCU-row boundaries.
pub fn split(bytes: &[u8], parts: usize) -> Option<Vec<Strip>> {
    if parts < 2 {
        return None;
    }
    let layout = layout(bytes)?;
    let mcus_per_row = layout.width_px.div_ceil(layout.mcu_w);
    let mcu_rows = layout.height_px.div_ceil(layout.mcu_h);
    // A restart starts a row every `rows_step` MCU rows (lcm of the interval and the row length).
    let rows_step = layout.restart_interval / gcd(layout.restart_interval, mcus_per_row);
    let mut cuts: Vec<usize> = (1..parts)
        .map(|i| (i * mcu_rows / parts) / rows_step * rows_step)
        .filter(|&row| row > 0 && row < mcu_rows)
        .collect();
    cuts.dedup();
    if cuts.is_empty() {
        return None;
    }
    // The restart marker that ends MCU row `row - 1` follows restart interval number
    // row * mcus_per_row / interval (counting from 1).
    let wanted: Vec<usize> = cuts.iter().map(|row| row * mcus_per_row / layout.restart_interval - 1).collect();
    let markers = find_restarts(&bytes[layout.scan_start..], &wanted)?;

    let mut strips = Vec::with_capacity(cuts.len() + 1);
    let mut data_from = layout.scan_start;
    let mut top_row = 0;
    for (&marker_at, &row) in markers.iter().zip(&cuts) {
        let marker_at = layout.scan_start + marker_at;
        strips.push(strip(&layout, &bytes[data_from..marker_at], top_row, row, true));
        data_from = marker_at + 2;
        top_row = row;
    }
    strips.push(strip(&layout, &bytes[data_from..], top_row, mcu_rows, false));
    Some(strips)
}

fn strip(layout: &Layout, data: &[u8], top_row: usize, end_row: usize, add_eoi: bool) -> Strip {
    let top_px = top_row * layout.mcu_h;
    let height_px = (end_row * layout.mcu_h).min(layout.height_px) - top_px;
    let mut jpeg = Vec::with_capacity(layout.header.len() + data.len() + 2);
    jpeg.extend_from_slice(&layout.header);
    // height_px <= the photo's height, which came from this u16 field.
    jpeg[layout.height_at..layout.height_at + 2].copy_from_slice(&(height_px as u16).to_be_bytes());
    jpeg.extend_from_slice(data);
    if add_eoi {
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
    }
    Strip { jpeg, height_px }
}

/// Walks the marker segments up to the first scan (T.81 §B.2).
fn layout(bytes: &[u8]) -> Option<Layout> {
    let mut header = vec![0xFF, 0xD8];
    let (mut frame, mut height_at, mut restart_interval) = (None, 0, 0);
    for Segment { marker, bytes: segment, body, end } in segments(bytes) {
        match marker {
            // baseline and extended sequential Huffman frames
            0xC0 | 0xC1 => {
                if frame.is_some() {
                    return None;
                }
                height_at = header.len() + 5;
                frame = Some(frame_layout(body)?);
            }
            // any other frame type (progressive, lossless, arithmetic), arithmetic conditioning,
            // a number of lines defined later (DNL)
            0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCF | 0xDC => return None,
            0xDD => restart_interval = usize::from(u16::from_be_bytes([*body.first()?, *body.get(1)?])),
            0xDA => {
                let (width_px, height_px, mcu_w, mcu_h, components) = frame?;
                // one scan must hold every component (interleaved), else there are several scans
                if usize::from(*body.first()?) != components || restart_interval == 0 {
                    return None;
                }
                header.extend_from_slice(segment);
                return Some(Layout {
                    header,
                    height_at,
                    width_px,
                    height_px,
                    mcu_w,
                    mcu_h,
                    restart_interval,
                    scan_start: end,
                });
            }
            // application data and comments (EXIF, ICC, thumbnails) are not needed to decode
            0xE0..=0xEF | 0xFE => continue,
            _ => {}
        }
        header.extend_from_slice(segment);
    }
    None
}

/// (width, height, MCU width, MCU height, components) from a frame header's body (§B.2.2).
fn frame_layout(body: &[u8]) -> Option<(usize, usize, usize, usize, usize)> {
    let height = usize::from(u16::from_be_bytes([*body.get(1)?, *body.get(2)?]));
    let width = usize::from(u16::from_be_bytes([*body.get(3)?, *body.get(4)?]));
    let components = usize::from(*body.get(5)?);
    if *body.first()? != 8 || height == 0 || width == 0 || !(1..=4).contains(&components) {
        return None;
    }
    let sampling: Vec<(usize, usize)> = (0..components)
        .map(|i| body.get(6 + 3 * i + 1).map(|&hv| (usize::from(hv >> 4), usize::from(hv & 15))))
        .collect::<Option<_>>()?;
    if sampling.iter().any(|&(h, v)| !(1..=4).contains(&h) || !(1..=4).contains(&v)) {
        return None;
    }
    // A single-component scan is not interleaved: its MCU is one 8 × 8 block (§A.2.2).
    let (h_max, v_max) = if components == 1 {
        (1, 1)
    } else {
        (sampling.iter().map(|s| s.0).max()?, sampling.iter().map(|s| s.1).max()?)
    };
    Some((width, height, 8 * h_max, 8 * v_max, components))
}

/// Offsets (in `data`) of the restart markers whose 0-based counts are `wanted` (ascending), or
/// `None` if the scan ends (any other marker) before the last of them.
fn find_restarts(data: &[u8], wanted: &[usize]) -> Option<Vec<usize>> {
    let mut found = Vec::with_capacity(wanted.len());
    let mut count = 0;
    let mut at = 0;
    while found.len() < wanted.len() {
        at += data.get(at..)?.iter().position(|&b| b == 0xFF)?;
        match *data.get(at + 1)? {
            0x00 | 0xFF => at += 1,
            0xD0..=0xD7 => {
                if count == wanted[found.len()] {
                    found.push(at);
                }
                count += 1;
                at += 2;
            }
            _ => return None,
        }
    }
    Some(found)
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_markers_are_counted_past_stuffed_bytes() {
        let data = [1, 0xFF, 0x00, 2, 0xFF, 0xD0, 3, 0xFF, 0xFF, 0xD1, 4, 0xFF, 0xD2, 5, 0xFF, 0xD9];
        assert_eq!(find_restarts(&data, &[0, 2]), Some(vec![4, 11]));
        assert_eq!(find_restarts(&data, &[3]), None);
    }

    #[test]
    fn files_without_restart_markers_are_not_cut() {
        assert!(split(&[0xFF, 0xD8, 0xFF, 0xD9], 2).is_none());
        assert!(split(&[0xFF, 0xD8], 2).is_none());
    }
}
