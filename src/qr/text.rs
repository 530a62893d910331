//! Bytes of a QR payload to text, for decoders that hand back bytes (rqrr ignores ECI and the
//! character set). ISO/IEC 18004 §7.4.5 makes ISO-8859-1 the byte-mode default, but most
//! encoders write UTF-8 and Japanese ones write Shift_JIS; like ZXing's `guessEncoding` we take
//! UTF-8 when the bytes are valid UTF-8, then Shift_JIS when they are valid Shift_JIS with a
//! double-byte character or a run of three half-width katakana, then ISO-8859-1.

/// The payload as text.
pub fn from_payload(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    if has_shift_jis_pair(bytes) || has_katakana_run(bytes) {
        let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
        if !had_errors {
            return text.into_owned();
        }
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Whether the bytes contain a Shift_JIS lead byte followed by a valid trail byte.
fn has_shift_jis_pair(bytes: &[u8]) -> bool {
    bytes.windows(2).any(|w| matches!(w[0], 0x81..=0x9F | 0xE0..=0xEF) && matches!(w[1], 0x40..=0x7E | 0x80..=0xFC))
}

/// Whether three consecutive bytes are half-width katakana in Shift_JIS (0xA1–0xDF).
fn has_katakana_run(bytes: &[u8]) -> bool {
    bytes.windows(3).any(|w| w.iter().all(|b| (0xA1..=0xDF).contains(b)))
}

#[cfg(test)]
mod tests {
    use super::from_payload;

    #[test]
    fn prefers_utf8_then_shift_jis_then_latin1() {
        assert_eq!(from_payload("héllo".as_bytes()), "héllo");
        assert_eq!(from_payload(&[0x93, 0xfa, 0x96, 0x7b]), "日本");
        assert_eq!(from_payload(&[b'c', b'a', b'f', 0xe9]), "café");
        assert_eq!(from_payload(&[0xc3, 0xde, 0xbb, b'Q']), "ﾃﾞｻQ");
    }
}
