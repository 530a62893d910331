//! Reads the one EXIF field the decoder needs: Orientation (TIFF tag 0x0112), from the TIFF
//! structure inside a JPEG's APP1 segment (CIPA DC-008, TIFF 6.0 §2). Bounds-checked; a
//! malformed block means "no orientation", never an error.

/// Orientation 1–8 from a TIFF-structured EXIF block (starting at `II*\0` / `MM\0*`).
pub fn orientation(tiff: &[u8]) -> Option<u8> {
    let tiff = tiff.strip_prefix(b"Exif\0\0").unwrap_or(tiff);
    let big_endian = match tiff.get(0..4)? {
        [b'I', b'I', 42, 0] => false,
        [b'M', b'M', 0, 42] => true,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(if big_endian { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    };
    let ifd0 = usize::try_from(u32_at(4)?).ok()?;
    let entries = usize::from(u16_at(ifd0)?);
    for i in 0..entries {
        let entry = ifd0.checked_add(2 + 12 * i)?;
        if u16_at(entry)? == 0x0112 {
            // type SHORT (3), count 1: the value sits in the first two bytes of the value field
            let value = u16_at(entry + 8)?;
            return (1..=8).contains(&value).then_some(value as u8);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_little_and_big_endian_orientation() {
        let le = [b'I', b'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0];
        assert_eq!(super::orientation(&le), Some(6));
        let be = [b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0];
        assert_eq!(super::orientation(&be), Some(8));
    }

    #[test]
    fn malformed_blocks_have_no_orientation() {
        assert_eq!(super::orientation(b""), None);
        assert_eq!(super::orientation(&[b'I', b'I', 42, 0, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(super::orientation(&[b'I', b'I', 42, 0, 8, 0, 0, 0, 0xff, 0xff]), None);
    }
}
