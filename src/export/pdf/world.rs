//! The smallest Typst `World` that lays out a report: two files held in
//! memory (the template and the report's data as JSON) and the fonts
//! bundled in the binary. Nothing is read from disk, no package is fetched
//! and the date is the report's, so the same report gives the same bytes.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The template: Typst code that reads the data file and lays it out.
const TEMPLATE: &str = include_str!("../../../assets/templates/report.typ");

/// Where the template finds the report (`json("/report.json")`).
pub(super) const DATA_PATH: &str = "/report.json";
const MAIN_PATH: &str = "/report.typ";

/// DejaVu Sans (text, headings) and DejaVu Sans Mono (hashes, addresses):
/// a free licence (assets/fonts/LICENSE-DejaVu.txt) and glyphs for German,
/// Cyrillic, Greek and the marks the workbench draws (✗ ≠ ↷ ∅ ✓ ·).
const FONT_FILES: [&[u8]; 3] = [
    include_bytes!("../../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../../assets/fonts/DejaVuSansMono.ttf"),
];

/// The fonts, parsed once per process.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The fonts the PDF export embeds, for tests and for checking which
/// characters they cover.
pub(super) fn fonts() -> &'static [Font] {
    &FONTS.fonts
}

pub(super) struct ReportWorld {
    main: Source,
    data_id: FileId,
    data: Bytes,
    today: Datetime,
}

fn file_id(path: &str) -> FileId {
    // Both paths are constants that parse; a failure would be a typo here.
    let vpath = VirtualPath::new(path).unwrap_or_else(|e| panic!("{path}: {e:?}"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl ReportWorld {
    /// A world whose main file is the template and whose data file holds
    /// `data`; `today` is what `datetime.today()` answers.
    pub(super) fn new(data: Vec<u8>, today: Datetime) -> Self {
        ReportWorld {
            main: Source::new(file_id(MAIN_PATH), TEMPLATE.to_string()),
            data_id: file_id(DATA_PATH),
            data: Bytes::new(data),
            today,
        }
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(std::path::PathBuf::from(id.vpath().get_with_slash()))
}
