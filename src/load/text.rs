//! Reading a file into text that the parser can trust: bounded in size, not
//! binary, valid UTF-8, without a byte-order mark, with LF line endings.

use std::io::Read;
use std::path::Path;

use super::diagnostic::{Diagnostic, line_col};
use crate::files::{self, Kind, OpenError};

/// The default limit on a file's size: 256 MiB.
pub const DEFAULT_MAX_SIZE: u64 = 256 * 1024 * 1024;

/// The text of the regular file at `path`, checked by [`decode`].
pub fn read_text(path: &Path, max_size: u64) -> Result<String, Diagnostic> {
    decode(read_bytes(path, max_size)?)
}

/// The bytes of the regular file at `path`, at most `max_size` of them.
/// FIFOs, devices and sockets are refused without being read (or blocked on).
pub fn read_bytes(path: &Path, max_size: u64) -> Result<Vec<u8>, Diagnostic> {
    let file = files::open_regular(path).map_err(open_diagnostic)?;
    let io_error = |code, what: &str, e: std::io::Error| {
        Diagnostic::error(code, format!("cannot {what}: {e}"))
    };
    let meta = file
        .metadata()
        .map_err(|e| io_error("io.metadata", "read the file's metadata", e))?;
    if meta.len() > max_size {
        return Err(too_big(meta.len(), max_size));
    }
    // The size can change between the check and the read; read at most one
    // byte past the limit so a growing file is still caught without reading it all.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_error("io.read", "read the file", e))?;
    if bytes.len() as u64 > max_size {
        return Err(too_big(bytes.len() as u64, max_size));
    }
    Ok(bytes)
}

/// Standard input as text, at most `max_size` bytes, checked by [`decode`].
pub fn read_stdin(max_size: u64) -> Result<String, Diagnostic> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Diagnostic::error("io.read", format!("cannot read standard input: {e}")))?;
    if bytes.len() as u64 > max_size {
        return Err(too_big(bytes.len() as u64, max_size));
    }
    decode(bytes)
}

/// Why a file could not be opened, as a diagnostic of that file.
pub fn open_diagnostic(e: OpenError) -> Diagnostic {
    match e {
        OpenError::NotRegular(Kind::Folder) => {
            Diagnostic::error("io.directory", "this is a folder, not a record file")
        }
        OpenError::NotRegular(_) => Diagnostic::error("io.not-regular", e.to_string()).with_help(
            "records and reviews are regular files; hotwash never opens pipes, devices or sockets",
        ),
        OpenError::DanglingLink(_) => Diagnostic::error("io.dangling-link", format!("this is {e}")),
        OpenError::Missing(_) | OpenError::Io(_) => {
            Diagnostic::error("io.open", format!("cannot open the file: {e}"))
        }
    }
}

fn too_big(size: u64, max: u64) -> Diagnostic {
    Diagnostic::error(
        "io.too-large",
        format!("the file is {size} bytes, over the limit of {max} bytes"),
    )
    .with_help("raise the limit with --max-size if the file is genuine")
}

/// Checks and normalises raw bytes into text.
pub fn decode(mut bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    // UTF-8 validation is the one full pass; the searches after it use the
    // standard library's fast substring search, not a byte loop.
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // A binary file usually fails UTF-8 too: call it what it is.
            if let Some(nul) = bytes.iter().position(|&b| b == 0) {
                return Err(binary(&bytes, nul));
            }
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let at = line_col(&prefix, valid);
            return Err(
                Diagnostic::error("text.utf8", "the file is not valid UTF-8")
                    .with_help("save the file as UTF-8")
                    .at_line_col(at),
            );
        }
    };
    if let Some(nul) = text.find('\0') {
        return Err(binary(text.as_bytes(), nul));
    }
    if text.contains("\r\n") {
        let mut bytes = text.into_bytes();
        normalise_line_endings(&mut bytes);
        // Removing ASCII bytes keeps UTF-8 valid.
        text = String::from_utf8(bytes)
            .map_err(|_| Diagnostic::error("text.utf8", "the file is not valid UTF-8"))?;
    }
    if text.trim().is_empty() {
        return Err(
            Diagnostic::error("text.empty", "the file is empty").with_help(
                "a record starts with `(schema: 1, id: \"...\", ...)`; see docs/FORMAT.md",
            ),
        );
    }
    Ok(text)
}

fn binary(bytes: &[u8], nul: usize) -> Diagnostic {
    let prefix = String::from_utf8_lossy(&bytes[..nul]).into_owned();
    let at = line_col(&prefix, prefix.len());
    Diagnostic::error(
        "text.binary",
        "this looks like a binary file (it holds a NUL byte), not a RON record",
    )
    .with_help("records are UTF-8 text files in RON")
    .at_line_col(at)
}

/// Turns CRLF into LF in place, without a second copy of the file.
fn normalise_line_endings(bytes: &mut Vec<u8>) {
    let mut write = 0;
    for read in 0..bytes.len() {
        let b = bytes[read];
        if b == b'\r' && bytes.get(read + 1) == Some(&b'\n') {
            continue;
        }
        bytes[write] = b;
        write += 1;
    }
    bytes.truncate(write);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(bytes: &[u8]) -> &'static str {
        decode(bytes.to_vec()).expect_err("rejected").code
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let text = decode(b"\xEF\xBB\xBF(\r\n  id: \"a\",\r\n)\r\n".to_vec()).expect("accepted");
        assert_eq!(text, "(\n  id: \"a\",\n)\n");
    }

    #[test]
    fn keeps_a_lone_carriage_return() {
        assert_eq!(decode(b"(a\rb)".to_vec()).expect("accepted"), "(a\rb)");
    }

    #[test]
    fn rejects_empty_binary_and_invalid_utf8() {
        assert_eq!(code(b""), "text.empty");
        assert_eq!(code(b" \n\t\n"), "text.empty");
        assert_eq!(code(b"\xEF\xBB\xBF"), "text.empty");
        assert_eq!(code(b"(\x00\x01\x02)"), "text.binary");
        assert_eq!(code(b"(id: \"\xff\")"), "text.utf8");
        let d = decode(b"(\n  id: \"\xc3\x28\")".to_vec()).expect_err("rejected");
        assert_eq!(d.start, Some(crate::load::LineCol { line: 2, column: 8 }));
    }

    #[test]
    fn rejects_a_file_over_the_limit() {
        let dir = std::env::temp_dir().join(format!("hotwash-text-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("big.ron");
        std::fs::write(&path, vec![b' '; 2048]).expect("write");
        let err = read_text(&path, 1024).expect_err("too large");
        assert_eq!(err.code, "io.too-large");
        assert!(read_text(&path, 4096).is_err(), "blank file is still empty");
        let err = read_text(&dir, 4096).expect_err("a folder");
        assert_eq!(err.code, "io.directory");
        std::fs::remove_dir_all(&dir).ok();
    }
}
