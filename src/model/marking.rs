//! Classification markings and TLP 2.0 labels.
//!
//! Classification (a national scheme) and TLP (a sharing protocol) are kept
//! apart on purpose: they answer different questions and must never be merged.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The national or alliance scheme whose words a banner uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scheme {
    /// German VS-Anweisung (VS-NfD, VS-VERTRAULICH, GEHEIM, STRENG GEHEIM).
    De,
    /// NATO (NATO RESTRICTED ... COSMIC TOP SECRET).
    Nato,
    /// United States, EO 13526 (CONFIDENTIAL, SECRET, TOP SECRET).
    Us,
}

impl Scheme {
    pub const ALL: [Scheme; 3] = [Scheme::De, Scheme::Nato, Scheme::Us];

    /// The banner text of `level` in this scheme, spelt out in full, or `None`
    /// where the scheme has no such level (the US has no RESTRICTED).
    pub fn banner(self, level: Level) -> Option<&'static str> {
        use Level::*;
        Some(match (self, level) {
            (Scheme::De, Unclassified) => "OFFEN",
            (Scheme::De, Restricted) => "VS-NUR FÜR DEN DIENSTGEBRAUCH",
            (Scheme::De, Confidential) => "VS-VERTRAULICH",
            (Scheme::De, Secret) => "GEHEIM",
            (Scheme::De, TopSecret) => "STRENG GEHEIM",
            (Scheme::Nato, Unclassified) => "NATO UNCLASSIFIED",
            (Scheme::Nato, Restricted) => "NATO RESTRICTED",
            (Scheme::Nato, Confidential) => "NATO CONFIDENTIAL",
            (Scheme::Nato, Secret) => "NATO SECRET",
            (Scheme::Nato, TopSecret) => "COSMIC TOP SECRET",
            (Scheme::Us, Unclassified) => "UNCLASSIFIED",
            (Scheme::Us, Restricted) => return None,
            (Scheme::Us, Confidential) => "CONFIDENTIAL",
            (Scheme::Us, Secret) => "SECRET",
            (Scheme::Us, TopSecret) => "TOP SECRET",
        })
    }

    /// The scheme's lowest level: what may be shared without limit.
    pub fn lowest(self) -> Level {
        Level::ALL
            .into_iter()
            .find(|&l| self.banner(l).is_some())
            .unwrap_or_default()
    }

    /// The short portion mark, written in parentheses before a portion.
    pub fn portion_mark(self, level: Level) -> Option<&'static str> {
        use Level::*;
        Some(match (self, level) {
            (Scheme::De, Unclassified) => "offen",
            (Scheme::De, Restricted) => "VS-NfD",
            (Scheme::De, Confidential) => "VS-Vertr.",
            (Scheme::De, Secret) => "Geh.",
            (Scheme::De, TopSecret) => "Str. Geh.",
            (Scheme::Nato, Unclassified) => "NU",
            (Scheme::Nato, Restricted) => "NR",
            (Scheme::Nato, Confidential) => "NC",
            (Scheme::Nato, Secret) => "NS",
            (Scheme::Nato, TopSecret) => "CTS",
            (Scheme::Us, Unclassified) => "U",
            (Scheme::Us, Restricted) => return None,
            (Scheme::Us, Confidential) => "C",
            (Scheme::Us, Secret) => "S",
            (Scheme::Us, TopSecret) => "TS",
        })
    }
}

/// A classification level on one ordered scale shared by every scheme, so
/// that "the highest portion" is well defined. The scheme supplies the words.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum Level {
    #[default]
    Unclassified,
    Restricted,
    Confidential,
    Secret,
    TopSecret,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Unclassified,
        Level::Restricted,
        Level::Confidential,
        Level::Secret,
        Level::TopSecret,
    ];

    /// The name used in records and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Level::Unclassified => "Unclassified",
            Level::Restricted => "Restricted",
            Level::Confidential => "Confidential",
            Level::Secret => "Secret",
            Level::TopSecret => "TopSecret",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Level {
    type Err = String;

    /// Accepts the record names and the banner words of every scheme,
    /// case-insensitively, so `--max-classification "VS-NfD"` works too.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        for level in Level::ALL {
            if level.name().eq_ignore_ascii_case(wanted) {
                return Ok(level);
            }
            for scheme in Scheme::ALL {
                let words = [scheme.banner(level), scheme.portion_mark(level)];
                if words
                    .iter()
                    .flatten()
                    .any(|w| w.eq_ignore_ascii_case(wanted))
                {
                    return Ok(level);
                }
            }
        }
        Err(format!(
            "unknown classification level {wanted:?}; expected one of Unclassified, Restricted, \
             Confidential, Secret, TopSecret (or a banner such as \"VS-NfD\" or \"NATO SECRET\")"
        ))
    }
}

/// The highest of `levels`, Unclassified when there are none: the rule for a
/// banner, which is never lower than any portion under it.
pub fn highest(levels: impl IntoIterator<Item = Level>) -> Level {
    levels.into_iter().max().unwrap_or_default()
}

/// The warning a banner above its scheme's lowest level earns with
/// TLP:CLEAR, which puts no limit on sharing: a classified report marked
/// for unlimited sharing is almost always a mistake. `None` when the two
/// agree.
pub fn clear_but_classified(banner: Classification, tlp: Tlp) -> Option<String> {
    (tlp == Tlp::Clear && banner.level > banner.scheme.lowest()).then(|| {
        format!(
            "the banner is {} but the TLP is CLEAR: {CLEAR_BUT_CLASSIFIED}",
            banner.banner()
        )
    })
}

/// Why [`clear_but_classified`] warns, in the words every warning of it ends with.
pub const CLEAR_BUT_CLASSIFIED: &str =
    "a classified report marked for unlimited sharing is almost always a mistake";

/// The record's overall marking: a scheme and the level of its banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classification {
    pub scheme: Scheme,
    pub level: Level,
}

impl Classification {
    /// The banner words, or the level's name where the scheme has no such
    /// level (validation reports that case as an error).
    pub fn banner(&self) -> &'static str {
        self.scheme.banner(self.level).unwrap_or(self.level.name())
    }

    /// The same scheme at another level.
    pub fn at(&self, level: Level) -> Classification {
        Classification {
            scheme: self.scheme,
            level,
        }
    }
}

/// A TLP 2.0 label. Written in records exactly as FIRST spells it, without
/// the `TLP:` prefix: `"CLEAR"`, `"GREEN"`, `"AMBER"`, `"AMBER+STRICT"`, `"RED"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tlp {
    Clear,
    Green,
    Amber,
    AmberStrict,
    Red,
}

impl Tlp {
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// The word as written in records: `AMBER+STRICT`.
    pub fn word(self) -> &'static str {
        match self {
            Tlp::Clear => "CLEAR",
            Tlp::Green => "GREEN",
            Tlp::Amber => "AMBER",
            Tlp::AmberStrict => "AMBER+STRICT",
            Tlp::Red => "RED",
        }
    }

    /// The full label as it must appear on a document: `TLP:AMBER+STRICT`.
    pub fn label(self) -> String {
        format!("TLP:{}", self.word())
    }
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TLP:{}", self.word())
    }
}

impl FromStr for Tlp {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tlp::ALL.into_iter().find(|t| t.word() == s).ok_or_else(|| {
            let hint = match s.trim().to_ascii_uppercase().trim_start_matches("TLP:") {
                "WHITE" => " (TLP 2.0 replaced WHITE with CLEAR)".to_string(),
                other => Tlp::ALL
                    .into_iter()
                    .find(|t| t.word() == other)
                    .map(|t| format!(" (write it as \"{}\")", t.word()))
                    .unwrap_or_default(),
            };
            format!(
                "unknown TLP label {s:?}{hint}; expected exactly one of \"CLEAR\", \"GREEN\", \
                     \"AMBER\", \"AMBER+STRICT\", \"RED\""
            )
        })
    }
}

impl Serialize for Tlp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.word())
    }
}

impl<'de> Deserialize<'de> for Tlp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_classified_banner_with_tlp_clear_is_warned_of() {
        let vs_nfd = Classification {
            scheme: Scheme::De,
            level: Level::Restricted,
        };
        let warning = clear_but_classified(vs_nfd, Tlp::Clear).expect("a warning");
        assert!(
            warning.contains("VS-NUR FÜR DEN DIENSTGEBRAUCH") && warning.contains("CLEAR"),
            "{warning}"
        );
        assert_eq!(clear_but_classified(vs_nfd, Tlp::Green), None);
        for scheme in Scheme::ALL {
            let lowest = Classification {
                scheme,
                level: scheme.lowest(),
            };
            assert_eq!(lowest.level, Level::Unclassified);
            assert_eq!(clear_but_classified(lowest, Tlp::Clear), None, "{scheme:?}");
        }
    }

    #[test]
    fn levels_are_ordered_from_unclassified_to_top_secret() {
        assert!(Level::Unclassified < Level::Restricted);
        assert!(Level::Secret < Level::TopSecret);
        assert_eq!(Level::ALL.iter().max(), Some(&Level::TopSecret));
    }

    #[test]
    fn levels_parse_from_names_and_banner_words() {
        assert_eq!("secret".parse::<Level>(), Ok(Level::Secret));
        assert_eq!("VS-NfD".parse::<Level>(), Ok(Level::Restricted));
        assert_eq!("NATO SECRET".parse::<Level>(), Ok(Level::Secret));
        assert_eq!("streng geheim".parse::<Level>(), Ok(Level::TopSecret));
        assert!("SUPER SECRET".parse::<Level>().is_err());
    }

    #[test]
    fn us_scheme_has_no_restricted_level() {
        assert_eq!(Scheme::Us.banner(Level::Restricted), None);
        assert_eq!(
            Scheme::De.banner(Level::Restricted),
            Some("VS-NUR FÜR DEN DIENSTGEBRAUCH")
        );
    }

    #[test]
    fn tlp_accepts_exact_labels_only_and_explains_near_misses() {
        assert_eq!("AMBER+STRICT".parse::<Tlp>(), Ok(Tlp::AmberStrict));
        let white = "WHITE".parse::<Tlp>().unwrap_err();
        assert!(white.contains("replaced WHITE with CLEAR"), "{white}");
        let lower = "amber".parse::<Tlp>().unwrap_err();
        assert!(lower.contains("write it as \"AMBER\""), "{lower}");
        assert!("TLP:RED".parse::<Tlp>().is_err());
        assert_eq!(Tlp::AmberStrict.label(), "TLP:AMBER+STRICT");
    }
}
