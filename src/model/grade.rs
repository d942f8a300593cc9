//! The Admiralty (NATO) code: a source's reliability A–F and a piece of
//! information's credibility 1–6, graded independently and written together.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How reliable a source is, A (completely reliable) to F (cannot be judged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Reliability {
    A,
    B,
    C,
    D,
    E,
    F,
}

impl Reliability {
    pub fn letter(self) -> char {
        match self {
            Reliability::A => 'A',
            Reliability::B => 'B',
            Reliability::C => 'C',
            Reliability::D => 'D',
            Reliability::E => 'E',
            Reliability::F => 'F',
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Reliability::A => "completely reliable",
            Reliability::B => "usually reliable",
            Reliability::C => "fairly reliable",
            Reliability::D => "not usually reliable",
            Reliability::E => "unreliable",
            Reliability::F => "reliability cannot be judged",
        }
    }
}

/// How credible a piece of information is, 1 (confirmed) to 6 (cannot be
/// judged). Stored as written so that a 7 can be reported with its position
/// alongside every other problem of the file, not as a parse failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Credibility(pub u8);

impl Credibility {
    pub const RANGE: std::ops::RangeInclusive<u8> = 1..=6;

    pub fn is_valid(self) -> bool {
        Self::RANGE.contains(&self.0)
    }

    pub fn meaning(self) -> &'static str {
        match self.0 {
            1 => "confirmed by other sources",
            2 => "probably true",
            3 => "possibly true",
            4 => "doubtful",
            5 => "improbable",
            6 => "truth cannot be judged",
            _ => "out of range",
        }
    }
}

/// A source's reliability and one report's credibility, written together: `B2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Admiralty {
    pub reliability: Reliability,
    pub credibility: Credibility,
}

impl fmt::Display for Admiralty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.reliability.letter(), self.credibility.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admiralty_code_reads_letter_then_digit() {
        let code = Admiralty {
            reliability: Reliability::B,
            credibility: Credibility(2),
        };
        assert_eq!(code.to_string(), "B2");
    }

    #[test]
    fn credibility_range_is_one_to_six() {
        assert!(!Credibility(0).is_valid());
        assert!(Credibility(1).is_valid());
        assert!(Credibility(6).is_valid());
        assert!(!Credibility(7).is_valid());
    }
}
