//! Paper sizes of the printable exports (HTML's print layout and the PDF):
//! chosen by `hotwash export --paper`, else in the configuration (`paper: A4`).

use serde::{Deserialize, Serialize};

/// The size of a printed page.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, clap::ValueEnum,
)]
pub enum Paper {
    /// ISO 216 A4, 210 × 297 mm: most of the world.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in (215.9 × 279.4 mm).
    Letter,
}

impl Paper {
    pub const ALL: [Paper; 2] = [Paper::A4, Paper::Letter];

    /// The name as the configuration writes it.
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "Letter",
        }
    }

    /// The CSS `@page` size keyword.
    pub fn css_size(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }

    /// Width and height in millimetres.
    pub fn size_mm(self) -> (f64, f64) {
        match self {
            Paper::A4 => (210.0, 297.0),
            Paper::Letter => (215.9, 279.4),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_what_the_configuration_reads() {
        for paper in Paper::ALL {
            let written = ron::to_string(&paper).expect("serialise");
            assert_eq!(written, paper.name());
            let read: Paper = ron::from_str(paper.name()).expect("parse");
            assert_eq!(read, paper);
        }
    }
}
