//! Renderers of the one report model: Markdown, self-contained HTML, JSON,
//! STIX 2.1 and PDF, and the timeline figure (an SVG) that the HTML and the
//! PDF hold. Each takes a [`Report`] and writes the file into a writer as it
//! renders ([`write_to`]; the PDF, which Typst lays out whole, is made first
//! and then written). [`export_file`] streams it into a file by
//! [`write_file`]'s rules, which never clobber by accident and never leave
//! part of a file.

pub(crate) mod chunks;
pub mod figure;
pub mod html;
pub mod json;
pub mod markdown;
pub mod paper;
pub mod pdf;
pub mod stix;

use std::path::{Path, PathBuf};

use crate::report::Report;

pub use self::paper::Paper;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    Markdown,
    Html,
    Json,
    Stix,
    Pdf,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Markdown,
        Format::Html,
        Format::Json,
        Format::Stix,
        Format::Pdf,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "Markdown",
            Format::Html => "HTML",
            Format::Json => "JSON",
            Format::Stix => "STIX 2.1",
            Format::Pdf => "PDF",
        }
    }

    /// The file name ending.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Json => "json",
            Format::Stix => "stix.json",
            Format::Pdf => "pdf",
        }
    }
}

/// Which parts of the report an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Variant {
    /// The whole report.
    #[default]
    Full,
    /// A brief to paste into a ticket or a comment: the summary, the key
    /// judgements and the recommendations, with only the sources the
    /// judgements cite. Markdown and HTML only.
    Brief,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("a brief is written in Markdown or HTML; the {0} export always holds the whole report")]
    NoBrief(&'static str),
    #[error("the {0} export is a binary file, not text")]
    NotText(&'static str),
    #[error("{} exists; pass --force to overwrite it", .0.display())]
    Exists(std::path::PathBuf),
    #[error(transparent)]
    Write(crate::files::WriteError),
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing the export out failed (standard output, a pipe); a write
    /// to a file says which in [`ExportError::Write`].
    #[error("cannot write the report: {0}")]
    Output(#[source] std::io::Error),
    #[error("cannot render the {format} export: {message}")]
    Render {
        format: &'static str,
        message: String,
    },
}

/// The lines of a text that holds paragraphs (the summary, a narrative, a
/// statement, a note) as every export lays them out: a blank line (or one
/// of only whitespace) ends a paragraph; a single line break stays a line
/// break. `\r\n` and a lone `\r` end a line as `\n` does. Each line is
/// trimmed; empty paragraphs are dropped.
pub(crate) fn paragraph_lines(text: &str) -> Vec<Vec<&str>> {
    let mut paragraphs = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text_lines(text) {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

/// The lines of `text`, ended by `\n`, `\r\n` or a lone `\r`.
fn text_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.find(['\n', '\r']) {
            None => {
                rest = None;
                Some(text)
            }
            Some(i) => {
                let end = if text[i..].starts_with("\r\n") {
                    i + 2
                } else {
                    i + 1
                };
                rest = Some(&text[end..]);
                Some(&text[..i])
            }
        }
    })
}

/// Writes the file of `report` in `format`, laid out as `layout` says, to
/// `out` as it renders: no format but the PDF (which Typst lays out whole)
/// holds the document in memory. `out` should be buffered.
pub fn write_to(
    report: &Report,
    format: Format,
    layout: Layout,
    out: &mut dyn std::io::Write,
) -> Result<(), ExportError> {
    let Layout { variant, paper } = layout;
    match (format, variant) {
        (Format::Markdown, _) => {
            markdown::write_as(report, variant, out).map_err(ExportError::Output)
        }
        (Format::Html, _) => html::write_on(report, variant, paper, out),
        (Format::Json | Format::Stix | Format::Pdf, Variant::Brief) => {
            Err(ExportError::NoBrief(format.name()))
        }
        (Format::Json, Variant::Full) => json::write(report, out),
        (Format::Stix, Variant::Full) => stix::write(report, out),
        (Format::Pdf, Variant::Full) => {
            let bytes = pdf::render(report, layout.paper)?;
            out.write_all(&bytes).map_err(ExportError::Output)
        }
    }
}

/// The text of `report` in `format`.
pub fn render(report: &Report, format: Format) -> Result<String, ExportError> {
    render_as(report, format, Variant::Full)
}

/// The text of `report` in `format`, whole or as a brief. The PDF is not
/// text: [`render_file`] writes it.
pub fn render_as(report: &Report, format: Format, variant: Variant) -> Result<String, ExportError> {
    render_with(
        report,
        format,
        Layout {
            variant,
            ..Layout::default()
        },
    )
}

/// How an export is laid out: whole or as a brief, and the paper a
/// printable format is set for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Layout {
    pub variant: Variant,
    /// Used by the formats for which [`Format::is_printable`] holds.
    pub paper: Paper,
}

/// The text of `report` in `format`, laid out as `layout` says.
pub fn render_with(report: &Report, format: Format, layout: Layout) -> Result<String, ExportError> {
    if format == Format::Pdf && layout.variant == Variant::Full {
        return Err(ExportError::NotText(format.name()));
    }
    let bytes = render_file(report, format, layout)?;
    // Every text renderer writes UTF-8; saying so beats a panic if one did not.
    String::from_utf8(bytes).map_err(|e| ExportError::Render {
        format: format.name(),
        message: e.to_string(),
    })
}

/// The file of `report` in `format`, laid out as `layout` says: the text
/// of a text format, or the bytes of the PDF.
pub fn render_file(
    report: &Report,
    format: Format,
    layout: Layout,
) -> Result<Vec<u8>, ExportError> {
    let mut bytes = Vec::new();
    write_to(report, format, layout, &mut bytes)?;
    Ok(bytes)
}

impl Format {
    /// Whether the format has a brief ([`Variant::Brief`]): the data
    /// formats always carry the whole report, which their consumers check.
    pub fn has_brief(self) -> bool {
        matches!(self, Format::Markdown | Format::Html)
    }

    /// Whether the format is laid out for paper, and so has a [`Paper`] size.
    pub fn is_printable(self) -> bool {
        matches!(self, Format::Html | Format::Pdf)
    }
}

/// The file name an export of record `record_id` gets unless told
/// otherwise: `<record id>.<extension>`, or `<record id>.brief.<extension>`
/// for a brief, which then never takes the full report's place.
pub fn default_file_name(record_id: &str, format: Format, variant: Variant) -> String {
    match variant {
        Variant::Full => format!("{record_id}.{}", format.extension()),
        Variant::Brief => format!("{record_id}.brief.{}", format.extension()),
    }
}

/// Where an export asked for at `out` goes: inside it, under
/// [`default_file_name`], when it names a folder (it ends with a slash, or
/// is an existing folder); else `out` itself.
pub fn out_path(out: &Path, record_id: &str, format: Format, variant: Variant) -> PathBuf {
    let trailing_slash = out
        .as_os_str()
        .as_encoded_bytes()
        .last()
        .is_some_and(|&b| std::path::is_separator(char::from(b)));
    if trailing_slash || out.is_dir() {
        out.join(default_file_name(record_id, format, variant))
    } else {
        out.to_path_buf()
    }
}

/// Writes `text` to `path` atomically by [`crate::files`]' rules (a link
/// is written through; only a regular file is ever replaced), refusing to
/// replace an existing file unless `force`. Creates the folder if needed.
pub fn write_file(path: &Path, bytes: &[u8], force: bool) -> Result<(), ExportError> {
    write_file_with(path, force, |out| {
        out.write_all(bytes).map_err(ExportError::Output)
    })
}

/// Renders the export of `report` in `format` straight into `path` by
/// [`write_file`]'s rules: the file appears whole at `path` or not at all
/// (a failure midway, of the renderer or of the disk, removes the
/// temporary file and names `path`).
pub fn export_file(
    report: &Report,
    format: Format,
    layout: Layout,
    path: &Path,
    force: bool,
) -> Result<(), ExportError> {
    write_file_with(path, force, |out| write_to(report, format, layout, out))
}

/// [`write_file`] with the content written by `write` as it is made.
pub fn write_file_with(
    path: &Path,
    force: bool,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    use crate::files::{Replace, WriteError};
    // Refuse before creating any folder if the answer will be no.
    let target = crate::files::write_target(path).map_err(ExportError::Write)?;
    if !force && target.existing.is_some() {
        return Err(ExportError::Exists(path.to_path_buf()));
    }
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|source| ExportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    }
    let replace = if force {
        Replace::Allowed
    } else {
        Replace::Never
    };
    // A renderer's own error (not the disk's) stops the writer too; either
    // way the message names the file that was not written, and why.
    let written = crate::files::write_atomic_with(path, replace, |out| {
        write(out).map_err(|e| match e {
            ExportError::Output(io) => io,
            other => std::io::Error::other(other.to_string()),
        })
    });
    match written {
        Ok(_) => Ok(()),
        Err(WriteError::Exists(p)) => Err(ExportError::Exists(p)),
        Err(e) => Err(ExportError::Write(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_at_blank_lines_and_keep_their_lines() {
        assert_eq!(
            paragraph_lines("one\ntwo \r\n  \n\nthree\rfour\n"),
            vec![vec!["one", "two"], vec!["three", "four"]]
        );
        assert_eq!(paragraph_lines(" \n\n "), Vec::<Vec<&str>>::new());
        assert_eq!(paragraph_lines("a\r\n\r\nb"), vec![vec!["a"], vec!["b"]]);
    }

    #[test]
    fn an_export_that_fails_midway_leaves_no_file_and_names_it() {
        let dir = crate::scratch::Dir::new("export", "fails-midway");
        let path = dir.0.join("out/report.html");
        // Half a document written, then the renderer fails.
        let err = write_file_with(&path, false, |out| {
            out.write_all(&vec![b'<'; 1 << 20])
                .map_err(ExportError::Output)?;
            Err(ExportError::Render {
                format: "HTML",
                message: "the template failed".into(),
            })
        })
        .expect_err("fails");
        let message = err.to_string();
        assert!(message.contains("out/report.html"), "{message}");
        assert!(message.contains("the template failed"), "{message}");
        let left: Vec<_> = std::fs::read_dir(dir.0.join("out"))
            .expect("the folder was made")
            .collect();
        assert!(
            left.is_empty(),
            "nothing at the name, no temporary: {left:?}"
        );

        // A disk error midway, replacing a file: the old one stays.
        std::fs::write(&path, "old").expect("write");
        let err = write_file_with(&path, true, |out| {
            out.write_all(b"new, half").map_err(ExportError::Output)?;
            Err(ExportError::Output(std::io::Error::other("disk full")))
        })
        .expect_err("fails");
        assert!(err.to_string().contains("report.html"), "{err}");
        assert!(err.to_string().contains("disk full"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old");
        assert_eq!(
            std::fs::read_dir(dir.0.join("out")).expect("dir").count(),
            1
        );
    }

    #[test]
    fn a_folder_gets_the_default_file_name() {
        let dir = std::env::temp_dir().join(format!("hotwash-out-path-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let json = Format::Json;
        let full = Variant::Full;
        assert_eq!(
            out_path(Path::new("new/"), "r1", json, full),
            Path::new("new/r1.json")
        );
        assert_eq!(
            out_path(&dir, "r1", Format::Stix, full),
            dir.join("r1.stix.json")
        );
        assert_eq!(
            out_path(&dir, "r1", Format::Markdown, Variant::Brief),
            dir.join("r1.brief.md"),
            "a brief does not take the full report's name"
        );
        assert_eq!(
            out_path(Path::new("new"), "r1", json, full),
            Path::new("new")
        );
        assert_eq!(
            out_path(Path::new("a/b.md"), "r1", json, full),
            Path::new("a/b.md")
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
