//! `hospes qr decode FILE...`: decodes image files and prints what it read.

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

use super::{DecodeError, Limits, decode::decode_bytes};

/// Decodes each file and prints one JSON object per line, in argument order:
/// `{"file": PATH, "texts": [TEXT...], "ms": MILLISECONDS}`, or
/// `{"file": PATH, "error": MESSAGE, "code": CODE, "ms": ...}` when it cannot (`CODE` is
/// [`DecodeError::code`], or `"io"` when the file cannot be read). `ms` covers reading the file
/// and decoding it. Returns how many files yielded no text.
pub fn decode_files(paths: &[PathBuf], out: &mut impl Write) -> io::Result<usize> {
    let limits = Limits::default();
    let mut failures = 0;
    for path in paths {
        let start = Instant::now();
        let result =
            std::fs::read(path).map_err(Failure::Io).and_then(|b| decode_bytes(&b, &limits).map_err(Failure::Decode));
        let ms = (start.elapsed().as_secs_f64() * 1e5).round() / 100.0;
        let file = path.to_string_lossy();
        let line = match result {
            Ok(texts) => serde_json::json!({ "file": file, "texts": texts, "ms": ms }),
            Err(failure) => {
                failures += 1;
                let (code, message) = match failure {
                    Failure::Io(e) => ("io", e.to_string()),
                    Failure::Decode(e) => (e.code(), e.to_string()),
                };
                serde_json::json!({ "file": file, "error": message, "code": code, "ms": ms })
            }
        };
        writeln!(out, "{line}")?;
    }
    Ok(failures)
}

/// Decodes each file and prints every text on its own line (no JSON), errors to `err`.
/// Returns how many files yielded no text.
pub fn print_texts(paths: &[PathBuf], out: &mut impl Write, err: &mut impl Write) -> io::Result<usize> {
    let limits = Limits::default();
    let mut failures = 0;
    for path in paths {
        match std::fs::read(path).map_err(Failure::Io).and_then(|b| decode_bytes(&b, &limits).map_err(Failure::Decode))
        {
            Ok(texts) => texts.iter().try_for_each(|t| writeln!(out, "{t}"))?,
            Err(Failure::Io(e)) => (failures += 1, writeln!(err, "{}: {e}", path.display())?).1,
            Err(Failure::Decode(e)) => (failures += 1, writeln!(err, "{}: {e}", path.display())?).1,
        }
    }
    Ok(failures)
}

enum Failure {
    Io(io::Error),
    Decode(DecodeError),
}
