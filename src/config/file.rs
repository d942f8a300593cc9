//! The configuration file as written, and how it becomes a [`Config`].
//! Every struct denies unknown fields, so a misspelt key is an error at
//! its place, not a setting silently ignored.

use std::fmt;
use std::path::PathBuf;

use ratatui::style::Color;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{Config, Problem};
use crate::export::Paper;
use crate::load::locate::DocPath;
use crate::model::time::ZoneChoice;
use crate::model::{Effect, Level};
use crate::tui::action::{Action, Context, Keymap, RebindError, Rebinding, Scope, default_scope};
use crate::tui::keys::Key;
use crate::tui::theme::{Pair, Theme, ThemeName};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default, rename = "configuration")]
pub(super) struct File {
    reviewer: Option<String>,
    export_folder: Option<String>,
    zone: Option<ZoneChoice>,
    paper: Option<Paper>,
    theme: ThemeFile,
    keys: KeysFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default, rename = "theme")]
struct ThemeFile {
    name: Option<ThemeName>,
    banners: BannersFile,
    effects: EffectsFile,
    selection: Option<PairFile>,
    focus: Option<Colour>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default, rename = "banners")]
struct BannersFile {
    unclassified: Option<PairFile>,
    restricted: Option<PairFile>,
    confidential: Option<PairFile>,
    secret: Option<PairFile>,
    top_secret: Option<PairFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default, rename = "effects")]
struct EffectsFile {
    failed: Option<Colour>,
    not_followed: Option<Colour>,
    bypassed: Option<Colour>,
    absent: Option<Colour>,
    held: Option<Colour>,
}

/// A text colour and a ground colour; either may be left as it is.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default, rename = "colours")]
struct PairFile {
    fg: Option<Colour>,
    bg: Option<Colour>,
}

impl PairFile {
    fn over(self, base: Pair) -> Pair {
        Pair {
            fg: self.fg.map_or(base.fg, |c| c.0),
            bg: self.bg.map_or(base.bg, |c| c.0),
        }
    }
}

/// A colour as the configuration writes it: a name (`Red`, `LightRed`,
/// `DarkGray`, `Reset`), `"#RRGGBB"` or a 256-colour index (`"208"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Colour(pub Color);

/// The colour names ratatui reads, for suggestions.
const COLOUR_NAMES: &[&str] = &[
    "Reset",
    "Black",
    "Red",
    "Green",
    "Yellow",
    "Blue",
    "Magenta",
    "Cyan",
    "Gray",
    "DarkGray",
    "LightRed",
    "LightGreen",
    "LightYellow",
    "LightBlue",
    "LightMagenta",
    "LightCyan",
    "White",
];

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse::<Color>().map(Colour).map_err(|_| {
            let near = COLOUR_NAMES
                .iter()
                .map(|n| {
                    (
                        strsim::levenshtein(&n.to_lowercase(), &text.to_lowercase()),
                        n,
                    )
                })
                .filter(|(d, _)| *d <= 2)
                .min()
                .map(|(_, n)| format!("did you mean {n:?}? "))
                .unwrap_or_default();
            de::Error::custom(format!(
                "{text:?} is not a colour; {near}colours are names (Red, LightRed, DarkGray, \
                 Reset...), \"#RRGGBB\" or a 256-colour index (\"208\")"
            ))
        })
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default, rename = "keys")]
struct KeysFile {
    everywhere: Section,
    library: Section,
    review: Section,
    cross: Section,
}

impl KeysFile {
    fn sections(&self) -> [(Scope, &Section); 4] {
        [
            (Scope::Everywhere, &self.everywhere),
            (Scope::Library, &self.library),
            (Scope::Review, &self.review),
            (Scope::Cross, &self.cross),
        ]
    }
}

/// One section of `keys`: actions and their keys, in the file's order.
#[derive(Debug, Default)]
struct Section(Vec<(Action, Keys)>);

/// An action's keys: one (`"a"`) or a list (`["a", "Ctrl-A"]`).
#[derive(Debug)]
struct Keys {
    keys: Vec<Key>,
    /// Written as one string rather than a list.
    single: bool,
}

impl<'de> Deserialize<'de> for Section {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Section;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of actions to keys, such as {NewFinding: [\"a\"]}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Section, A::Error> {
                let mut out: Vec<(Action, Keys)> = Vec::new();
                while let Some(action) = map.next_key::<Action>()? {
                    let keys: Keys = map.next_value()?;
                    if out.iter().any(|(a, _)| *a == action) {
                        return Err(de::Error::custom(format!(
                            "{} is given keys twice in this section",
                            action.name()
                        )));
                    }
                    out.push((action, keys));
                }
                Ok(Section(out))
            }
        }
        deserializer.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        fn key<E: de::Error>(text: &str) -> Result<Key, E> {
            Key::parse(text).map_err(|e| E::custom(e.message))
        }
        impl<'de> Visitor<'de> for V {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key such as \"a\", or a list of keys such as [\"a\", \"Ctrl-A\"]")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Keys, E> {
                Ok(Keys {
                    keys: vec![key(text)?],
                    single: true,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some(text) = seq.next_element::<String>()? {
                    keys.push(key(&text)?);
                }
                Ok(Keys {
                    keys,
                    single: false,
                })
            }
        }
        deserializer.deserialize_any(V)
    }
}

fn path(scope: Scope, action: Action) -> DocPath {
    DocPath::root()
        .field("keys")
        .field(scope.name())
        .field(action.name())
}

impl File {
    /// The configuration these settings make, or every problem with them.
    pub(super) fn resolve(self) -> Result<Config, Vec<Problem>> {
        let mut problems = Vec::new();
        let defaults = Config::default();
        let export_folder = match self.export_folder {
            Some(folder) if folder.trim().is_empty() => {
                problems.push(Problem {
                    code: "config.export-folder",
                    message: "the export folder is empty".into(),
                    help: Some(
                        "write \".\" for the folder hotwash starts in, or leave the key out \
                         for \"exports\""
                            .into(),
                    ),
                    path: DocPath::root().field("export_folder"),
                });
                defaults.export_folder.clone()
            }
            Some(folder) => PathBuf::from(folder),
            None => defaults.export_folder.clone(),
        };
        let theme_name = self.theme.name.unwrap_or_default();
        let theme = self.theme.over(theme_name.theme());
        let keymap = match self.keys.keymap() {
            Ok(keymap) => keymap,
            Err(mut p) => {
                problems.append(&mut p);
                Keymap::default()
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Config {
            reviewer: self.reviewer.filter(|r| !r.trim().is_empty()),
            export_folder,
            zone: self.zone.unwrap_or(defaults.zone),
            paper: self.paper.unwrap_or(defaults.paper),
            theme_name,
            theme,
            keymap,
        })
    }
}

impl ThemeFile {
    fn over(&self, mut theme: Theme) -> Theme {
        let b = &self.banners;
        let banners = [
            (Level::Unclassified, b.unclassified),
            (Level::Restricted, b.restricted),
            (Level::Confidential, b.confidential),
            (Level::Secret, b.secret),
            (Level::TopSecret, b.top_secret),
        ];
        for (level, pair) in banners {
            if let Some(pair) = pair {
                theme.set_banner(level, pair.over(theme.banner_colours(level)));
            }
        }
        let e = &self.effects;
        let effects = [
            (Effect::Failed, e.failed),
            (Effect::NotFollowed, e.not_followed),
            (Effect::Bypassed, e.bypassed),
            (Effect::Absent, e.absent),
            (Effect::Held, e.held),
        ];
        for (effect, colour) in effects {
            if let Some(colour) = colour {
                theme.set_effect(effect, colour.0);
            }
        }
        if let Some(pair) = self.selection {
            theme.selection = pair.over(theme.selection);
        }
        if let Some(colour) = self.focus {
            theme.focus = colour.0;
        }
        theme
    }
}

impl KeysFile {
    fn keymap(&self) -> Result<Keymap, Vec<Problem>> {
        // Each rebinding with where it is in the file.
        let mut rebindings = Vec::new();
        let mut written: Vec<(DocPath, &Keys)> = Vec::new();
        for (scope, section) in self.sections() {
            for (action, keys) in &section.0 {
                rebindings.push(Rebinding {
                    scope,
                    action: *action,
                    keys: keys.keys.clone(),
                });
                written.push((path(scope, *action), keys));
            }
        }
        let errors = match Keymap::rebound(&rebindings) {
            Ok(keymap) => return Ok(keymap),
            Err(errors) => errors,
        };
        Err(errors
            .into_iter()
            .map(|e| match e {
                RebindError::Conflict {
                    rebinding,
                    key,
                    context,
                    other,
                } => {
                    let r = &rebindings[rebinding];
                    let (at, keys) = written[rebinding];
                    // At the key itself where it is in a list.
                    let at = match keys.keys.iter().position(|k| *k == key) {
                        Some(i) if !keys.single => at.index(i),
                        _ => at,
                    };
                    conflict(r, key, context, other, at)
                }
                RebindError::Unused { rebinding } => {
                    let r = &rebindings[rebinding];
                    let used = default_scope(r.action);
                    Problem {
                        code: "config.key-unused",
                        message: format!(
                            "{} does nothing in the {}: it is a key of the {}",
                            r.action.name(),
                            r.scope.name(),
                            used.name()
                        ),
                        help: Some(format!(
                            "move it to the `{}` section (or `everywhere`)",
                            used.name()
                        )),
                        path: written[rebinding].0,
                    }
                }
            })
            .collect())
    }
}

fn conflict(r: &Rebinding, key: Key, context: Context, other: Action, at: DocPath) -> Problem {
    let label = key.label();
    Problem {
        code: "config.key-conflict",
        message: format!(
            "{label:?} is bound to both {} and {} in {}",
            other.name(),
            r.action.name(),
            context.name()
        ),
        help: Some(format!(
            "choose another key for {}, or give {} other keys too (in the same section: \
             `{}: [\"...\"]`)",
            r.action.name(),
            other.name(),
            other.name()
        )),
        path: at,
    }
}
