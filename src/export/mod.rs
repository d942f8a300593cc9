//! Renderers of the one report model: Markdown, self-contained HTML, JSON
//! and STIX 2.1. Each takes a [`Report`] and returns the text of the file;
//! writing it is [`write_file`]'s job, which never clobbers by accident.

pub mod html;
pub mod json;
pub mod markdown;
pub mod stix;

use std::io::Write;
use std::path::Path;

use crate::report::Report;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    Markdown,
    Html,
    Json,
    Stix,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Markdown, Format::Html, Format::Json, Format::Stix];

    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "Markdown",
            Format::Html => "HTML",
            Format::Json => "JSON",
            Format::Stix => "STIX 2.1",
        }
    }

    /// The file name ending.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Json => "json",
            Format::Stix => "stix.json",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{} exists; pass --force to overwrite it", .0.display())]
    Exists(std::path::PathBuf),
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot render the {format} export: {message}")]
    Render {
        format: &'static str,
        message: String,
    },
}

/// The text of `report` in `format`.
pub fn render(report: &Report, format: Format) -> Result<String, ExportError> {
    match format {
        Format::Markdown => Ok(markdown::render(report)),
        Format::Html => html::render(report),
        Format::Json => json::render(report),
        Format::Stix => stix::render(report),
    }
}

/// Writes `text` to `path` atomically (a temporary file in the same folder,
/// fsync, rename, fsync of the folder), refusing to replace an existing file
/// unless `force`. Creates the folder if needed.
pub fn write_file(path: &Path, text: &str, force: bool) -> Result<(), ExportError> {
    let io = |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    };
    if !force && path.exists() {
        return Err(ExportError::Exists(path.to_path_buf()));
    }
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(io)?;
    }
    let mut file = atomic_write_file::AtomicWriteFile::open(path).map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)?;
    file.commit().map_err(io)
}
