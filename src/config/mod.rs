//! The configuration file: key bindings, the theme and a few defaults
//! (docs/CONFIG.md describes every key). It is RON, read with the records'
//! dialect and diagnostics: a syntax error, an unknown key or a clash of
//! keys is reported at its line and column with a snippet, and hotwash
//! goes on with the built-in defaults. hotwash never writes the file.
//!
//! Where it is read from: `--config PATH`, else `$HOTWASH_CONFIG`, else
//! `hotwash/config.ron` in the platform's configuration folder
//! (`$XDG_CONFIG_HOME`, by default `~/.config`, on Linux and macOS;
//! `%APPDATA%` on Windows). Only a file named by the flag or the variable
//! must exist.

mod file;
mod print;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::export::Paper;
use crate::load::diagnostic::line_cols;
use crate::load::locate::{DocPath, Locator};
use crate::load::{Diagnostic, FileReport};
use crate::model::time::ZoneChoice;
use crate::tui::action::Keymap;
use crate::tui::theme::{Theme, ThemeName};

pub use self::print::default_text;

/// The variable that names the configuration file.
pub const ENV: &str = "HOTWASH_CONFIG";

/// Where reports are proposed to go unless configured.
pub const DEFAULT_EXPORT_FOLDER: &str = "exports";

/// The configuration in force: the built-in defaults with the file's
/// settings made.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Who signs reviews off, below `--reviewer` and `$HOTWASH_REVIEWER`.
    pub reviewer: Option<String>,
    pub export_folder: PathBuf,
    /// The zone times are shown in when a record opens.
    pub zone: ZoneChoice,
    pub paper: Paper,
    /// The built-in theme the colours started from.
    pub theme_name: ThemeName,
    pub theme: Theme,
    pub keymap: Keymap,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            reviewer: None,
            export_folder: PathBuf::from(DEFAULT_EXPORT_FOLDER),
            zone: ZoneChoice::default(),
            paper: Paper::default(),
            theme_name: ThemeName::default(),
            theme: Theme::default(),
            keymap: Keymap::default(),
        }
    }
}

impl Config {
    /// The paper size: a command-line choice first, else the file's.
    pub fn paper(&self, flag: Option<Paper>) -> Paper {
        flag.unwrap_or(self.paper)
    }
}

/// Why the configuration is read from where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Env,
    /// The platform's configuration folder: the file may well not exist.
    Default,
}

/// The configuration file to read, if there is a place for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// `None` when no configuration folder could be found (no home folder).
    pub path: Option<PathBuf>,
    pub origin: Origin,
}

impl Location {
    /// How `hotwash config` says where the file is from.
    pub fn describe(&self) -> String {
        let path = self
            .path
            .as_ref()
            .map_or("(no configuration folder)".to_string(), |p| {
                p.display().to_string()
            });
        match self.origin {
            Origin::Flag => format!("{path} (from --config)"),
            Origin::Env => format!("{path} (from ${ENV})"),
            Origin::Default => path,
        }
    }
}

/// `--config PATH`, else `$HOTWASH_CONFIG` (when set and not empty), else
/// the platform's configuration folder.
pub fn locate(flag: Option<&Path>) -> Location {
    if let Some(path) = flag {
        return Location {
            path: Some(path.to_path_buf()),
            origin: Origin::Flag,
        };
    }
    if let Some(path) = std::env::var_os(ENV).filter(|v| !v.is_empty()) {
        return Location {
            path: Some(PathBuf::from(path)),
            origin: Origin::Env,
        };
    }
    use etcetera::BaseStrategy as _;
    Location {
        path: etcetera::choose_base_strategy()
            .ok()
            .map(|s| s.config_dir().join("hotwash").join("config.ron")),
        origin: Origin::Default,
    }
}

/// The configuration as read.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file's settings, or the defaults when it has errors (or none is there).
    pub config: Config,
    /// The file's problems, when it has any; then `config` is the defaults.
    pub report: Option<FileReport>,
    /// Whether a file was read (and found valid).
    pub read: bool,
}

impl Loaded {
    fn defaults() -> Self {
        Loaded {
            config: Config::default(),
            report: None,
            read: false,
        }
    }

    fn failed(report: FileReport) -> Self {
        Loaded {
            report: Some(report),
            ..Loaded::defaults()
        }
    }
}

/// Reads the configuration at `location`, files larger than `max_size`
/// refused. Never fails: a missing file in the default place means the
/// defaults, anything wrong means the defaults and a report.
pub fn load(location: &Location, max_size: u64) -> Loaded {
    let Some(path) = &location.path else {
        return Loaded::defaults();
    };
    let fail = |d: Diagnostic| {
        Loaded::failed(FileReport {
            path: path.clone(),
            text: None,
            diagnostics: vec![d],
        })
    };
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if location.origin == Origin::Default {
                return Loaded::defaults();
            }
            return fail(
                Diagnostic::error("config.missing", "there is no configuration file here")
                    .with_help(match location.origin {
                        Origin::Flag => "check the path given to --config",
                        _ => "check the path in $HOTWASH_CONFIG, or unset it",
                    }),
            );
        }
        _ if path.is_dir() => {
            return fail(Diagnostic::error(
                "config.folder",
                "this is a folder, not a configuration file",
            ));
        }
        _ => {}
    }
    let text = match crate::load::text::read_bytes(path, max_size) {
        // Nothing but white space: nothing configured.
        Ok(bytes) if bytes.trim_ascii().is_empty() => return Loaded::defaults(),
        Ok(bytes) => match crate::load::text::decode(bytes) {
            Ok(text) => text,
            Err(d) => return fail(d),
        },
        Err(d) => return fail(d),
    };
    from_text(path, text)
}

/// Reads a configuration from its text (`path` names it in diagnostics).
pub fn from_text(path: &Path, text: String) -> Loaded {
    // Only comments: nothing configured.
    if Locator::new(&text).locate(&DocPath::root()).is_none() {
        return Loaded::defaults();
    }
    let report = |text: String, diagnostics| {
        Loaded::failed(FileReport {
            path: path.to_path_buf(),
            text: Some(Arc::from(text)),
            diagnostics,
        })
    };
    let parsed: file::File = match crate::load::parse(&text) {
        Ok(f) => f,
        Err(d) => return report(text, vec![d]),
    };
    match parsed.resolve() {
        Ok(config) => Loaded {
            config,
            report: None,
            read: true,
        },
        Err(problems) => {
            let diagnostics = place(problems, &text);
            report(text, diagnostics)
        }
    }
}

/// A problem found once the file parsed, placed by its path in it.
#[derive(Debug, Clone)]
struct Problem {
    code: &'static str,
    message: String,
    help: Option<String>,
    path: DocPath,
}

fn place(problems: Vec<Problem>, text: &str) -> Vec<Diagnostic> {
    let mut locator = Locator::new(text);
    let spans: Vec<Option<Range<usize>>> =
        problems.iter().map(|p| locator.locate(&p.path)).collect();
    let offsets: Vec<usize> = spans
        .iter()
        .flatten()
        .flat_map(|s| [s.start, s.end])
        .collect();
    let mut places = line_cols(text, &offsets).into_iter();
    problems
        .into_iter()
        .zip(spans)
        .map(|(p, span)| {
            let mut d = Diagnostic::error(p.code, p.message);
            d.help = p.help;
            match (span, places.next(), places.next()) {
                (Some(span), Some(start), Some(end)) => d.at_placed(span, start, end),
                _ => d,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
