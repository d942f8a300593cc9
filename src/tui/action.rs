//! The one list of what the keys do. Input handling, the help overlay and the
//! status-bar hints all read the [`Keymap`] in force (the defaults in
//! [`DEFAULTS`], with the configuration's rebindings), so they cannot disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use serde::{Deserialize, Serialize};

pub use super::keys::Key;

/// Declares the actions once: the enum, its list and the names the
/// configuration calls them by (serde's, the variant names).
macro_rules! actions {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// Everything a key can ask for. The variant names are the
        /// configuration's vocabulary (`keys: (review: {NewFinding: ["a"]})`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Action {
            $($(#[$doc])* $name,)*
        }

        impl Action {
            /// Every action, in the keymap's order.
            pub const ALL: &[Action] = &[$(Action::$name,)*];

            /// The name the configuration calls the action by.
            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$name => stringify!($name),)*
                }
            }
        }
    };
}

actions! {
    Quit,
    Help,
    Back,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Next,
    Previous,
    FocusNext,
    Open,
    Search,
    CycleZone,
    DetailDown,
    DetailUp,
    DetailPageDown,
    DetailPageUp,
    ToggleReviewed,
    Flag,
    Include,
    Note,
    NewFinding,
    Findings,
    EditFinding,
    DeleteFinding,
    Link,
    SignOff,
    Undo,
    EditRecord,
    Export,
    Messages,
    Conflicts,
    Candidates,
    CrossIncidents,
    Left,
    Right,
    FamilyFilter,
    EffectFilter,
}

impl Action {
    /// The action called `name` in the configuration.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// What the action does, for the help overlay.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit hotwash",
            Action::Help => "show or hide this help",
            Action::Back => "close an overlay, clear the search or filter, or go back",
            Action::Up => "select the previous row",
            Action::Down => "select the next row",
            Action::Top => "go to the first row",
            Action::Bottom => "go to the last row",
            Action::PageUp => "up one page of the focused list",
            Action::PageDown => "down one page of the focused list",
            Action::Next => "next search match, else next event with a control failure",
            Action::Previous => "previous search match, or previous event with a control failure",
            Action::FocusNext => "move the focus: Timeline, Controls, Findings",
            Action::Open => "open; on a control: show only its events; on a finding: edit",
            Action::Search => "search by id, title, text, actor, place, source or control",
            Action::CycleZone => "show times in UTC, the event's zone, or the local zone",
            Action::DetailDown => "scroll the detail or the finding's text down a row",
            Action::DetailUp => "scroll the detail or the finding's text up a row",
            Action::DetailPageDown => "scroll the detail or the finding's text down half a pane",
            Action::DetailPageUp => "scroll the detail or the finding's text up half a pane",
            Action::ToggleReviewed => "mark the selected event reviewed, or not",
            Action::Flag => "flag the selected event, or unflag it",
            Action::Include => "include the selected event in the report, or leave it out",
            Action::Note => "write a note on the selected event",
            Action::NewFinding => "new finding, linked to the selected event and its controls",
            Action::Findings => "show or hide the findings",
            Action::EditFinding => "edit the selected finding",
            Action::DeleteFinding => "delete the selected finding (asks first)",
            Action::Link => "link or unlink the selected event or control to findings",
            Action::SignOff => "sign the review off (asks first)",
            Action::Undo => "undo the last change",
            Action::EditRecord => "open the record in $EDITOR at the selected event",
            Action::Export => "export the review as a report (Markdown, HTML, JSON, STIX 2.1, PDF)",
            Action::Messages => "show this session's messages in full, newest first",
            Action::CrossIncidents => {
                "controls across incidents: which failed where, and each detection lag"
            }
            Action::Left => "previous incident",
            Action::Right => "next incident",
            Action::FamilyFilter => "show one control family, the next on each press, then all",
            Action::EffectFilter => "count any failure, or one effect: the next on each press",
            Action::Conflicts => "list the merge conflicts: keep ours, take theirs or combine them",
            Action::Candidates => {
                "the selected event's candidate controls: link one with an effect, or dismiss it"
            }
        }
    }

    /// A short word for the status bar.
    pub fn hint(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Back => "back",
            Action::Up | Action::Down => "move",
            Action::Top | Action::Bottom => "ends",
            Action::PageUp | Action::PageDown => "page",
            Action::Next | Action::Previous => "next/prev",
            Action::FocusNext => "pane",
            Action::Open => "open",
            Action::Search => "search",
            Action::CycleZone => "zone",
            Action::DetailDown | Action::DetailUp => "detail",
            Action::DetailPageDown | Action::DetailPageUp => "detail page",
            Action::ToggleReviewed => "reviewed",
            Action::Flag => "flag",
            Action::Include => "include",
            Action::Note => "note",
            Action::NewFinding => "finding",
            Action::Findings => "findings",
            Action::EditFinding => "edit",
            Action::DeleteFinding => "delete",
            Action::Link => "link",
            Action::SignOff => "sign off",
            Action::Undo => "undo",
            Action::EditRecord => "editor",
            Action::Export => "export",
            Action::Messages => "messages",
            Action::CrossIncidents => "across incidents",
            Action::Left | Action::Right => "incident",
            Action::FamilyFilter => "family",
            Action::EffectFilter => "effect",
            Action::Conflicts => "conflicts",
            Action::Candidates => "candidates",
        }
    }

    /// Which hints the status bar keeps when it cannot show them all:
    /// lower first. The help (`?`) lists every key, so it goes last.
    pub fn hint_rank(self) -> u8 {
        match self {
            Action::Help => 0,
            Action::Quit => 1,
            Action::ToggleReviewed => 2,
            Action::NewFinding => 3,
            Action::Search => 4,
            Action::Open => 5,
            Action::Next | Action::Previous => 6,
            Action::Export => 7,
            Action::FocusNext => 8,
            Action::Findings => 9,
            Action::Undo => 10,
            Action::Messages => 11,
            Action::CycleZone => 12,
            Action::CrossIncidents => 5,
            Action::Left | Action::Right => 6,
            Action::FamilyFilter => 7,
            Action::EffectFilter => 8,
            Action::Up | Action::Down => 13,
            _ => 20,
        }
    }
}

impl Action {
    /// Whether the status bar offers the action's first key as a hint.
    pub fn in_status_bar(self) -> bool {
        matches!(
            self,
            Action::Quit
                | Action::Help
                | Action::Down
                | Action::Open
                | Action::Search
                | Action::Next
                | Action::FocusNext
                | Action::CycleZone
                | Action::ToggleReviewed
                | Action::NewFinding
                | Action::Findings
                | Action::Undo
                | Action::Export
                | Action::Messages
                | Action::CrossIncidents
                | Action::Right
                | Action::FamilyFilter
                | Action::EffectFilter
        )
    }
}

/// The screen a key is pressed on: each has its own bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Library,
    Review,
    /// The controls-across-incidents view.
    Cross,
}

impl Context {
    pub const ALL: [Context; 3] = [Context::Library, Context::Review, Context::Cross];

    /// How messages name the screen.
    pub fn name(self) -> &'static str {
        match self {
            Context::Library => "the library",
            Context::Review => "the review",
            Context::Cross => "the view across incidents",
        }
    }
}

/// Where a default binding applies, and which screens a section of the
/// configuration's `keys` rebinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Everywhere,
    Library,
    Review,
    Cross,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::Everywhere,
        Scope::Library,
        Scope::Review,
        Scope::Cross,
    ];

    pub fn covers(self, context: Context) -> bool {
        matches!(
            (self, context),
            (Scope::Everywhere, _)
                | (Scope::Library, Context::Library)
                | (Scope::Review, Context::Review)
                | (Scope::Cross, Context::Cross)
        )
    }

    /// The configuration's name for the section.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Everywhere => "everywhere",
            Scope::Library => "library",
            Scope::Review => "review",
            Scope::Cross => "cross",
        }
    }
}

/// One default binding.
#[derive(Debug, Clone, Copy)]
pub struct DefaultBinding {
    pub key: Key,
    pub action: Action,
    pub scope: Scope,
}

const fn key(code: KeyCode, action: Action, scope: Scope) -> DefaultBinding {
    DefaultBinding {
        key: Key::new(code),
        action,
        scope,
    }
}

/// A key pressed with Ctrl.
const fn ctrl(c: char, action: Action, scope: Scope) -> DefaultBinding {
    DefaultBinding {
        key: Key::ctrl(c),
        action,
        scope,
    }
}

use Action as A;
use KeyCode as K;
use Scope as S;

/// The built-in keymap, in the order the help lists it.
pub const DEFAULTS: &[DefaultBinding] = &[
    key(K::Char('q'), A::Quit, S::Everywhere),
    key(K::Char('?'), A::Help, S::Everywhere),
    key(K::Esc, A::Back, S::Everywhere),
    key(K::Char('k'), A::Up, S::Everywhere),
    key(K::Up, A::Up, S::Everywhere),
    key(K::Char('j'), A::Down, S::Everywhere),
    key(K::Down, A::Down, S::Everywhere),
    key(K::Char('g'), A::Top, S::Everywhere),
    key(K::Home, A::Top, S::Everywhere),
    key(K::Char('G'), A::Bottom, S::Everywhere),
    key(K::End, A::Bottom, S::Everywhere),
    key(K::PageUp, A::PageUp, S::Everywhere),
    key(K::PageDown, A::PageDown, S::Everywhere),
    key(K::Enter, A::Open, S::Everywhere),
    // The library's filter and the record's search; the view across
    // incidents has neither.
    key(K::Char('/'), A::Search, S::Library),
    key(K::Char('/'), A::Search, S::Review),
    key(K::Char('n'), A::Next, S::Review),
    key(K::Char('N'), A::Previous, S::Review),
    key(K::Tab, A::FocusNext, S::Review),
    key(K::Char('t'), A::CycleZone, S::Review),
    key(K::Char('J'), A::DetailDown, S::Review),
    key(K::Char('K'), A::DetailUp, S::Review),
    // Half a pane, as in vim and less. PgUp/PgDn stay with the focused
    // list; Ctrl-F/Ctrl-B are left alone (Ctrl-B is tmux's prefix key).
    ctrl('d', A::DetailPageDown, S::Review),
    ctrl('u', A::DetailPageUp, S::Review),
    key(K::Char(' '), A::ToggleReviewed, S::Review),
    key(K::Char('!'), A::Flag, S::Review),
    key(K::Char('i'), A::Include, S::Review),
    key(K::Char('m'), A::Note, S::Review),
    key(K::Char('f'), A::NewFinding, S::Review),
    key(K::Char('F'), A::Findings, S::Review),
    key(K::Char('e'), A::EditFinding, S::Review),
    key(K::Char('d'), A::DeleteFinding, S::Review),
    key(K::Char('l'), A::Link, S::Review),
    key(K::Char('S'), A::SignOff, S::Review),
    key(K::Char('u'), A::Undo, S::Review),
    key(K::Char('E'), A::EditRecord, S::Review),
    key(K::Char('x'), A::Export, S::Review),
    key(K::Char('M'), A::Messages, S::Everywhere),
    key(K::Char('C'), A::Conflicts, S::Review),
    key(K::Char('c'), A::Candidates, S::Review),
    key(K::Char('C'), A::CrossIncidents, S::Library),
    key(K::Char('h'), A::Left, S::Cross),
    key(K::Left, A::Left, S::Cross),
    key(K::Char('l'), A::Right, S::Cross),
    key(K::Right, A::Right, S::Cross),
    key(K::Char('f'), A::FamilyFilter, S::Cross),
    key(K::Char('e'), A::EffectFilter, S::Cross),
];

/// Where an action has its default keys: `Everywhere`, or the one screen
/// it is used on.
pub fn default_scope(action: Action) -> Scope {
    DEFAULTS
        .iter()
        .find(|d| d.action == action)
        .map_or(Scope::Everywhere, |d| d.scope)
}

/// A key and what it does on one screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub key: Key,
    pub action: Action,
}

/// One action's keys as the configuration sets them, for the screens of
/// `scope`. No keys leaves the action without one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebinding {
    pub scope: Scope,
    pub action: Action,
    pub keys: Vec<Key>,
}

/// Why the configuration's rebindings cannot make a keymap. `rebinding`
/// is the index of the one to blame, to place the problem in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RebindError {
    /// One key would do two things on one screen.
    Conflict {
        rebinding: usize,
        key: Key,
        context: Context,
        /// The action that has the key already (by default or rebound).
        other: Action,
    },
    /// The action does nothing on the screens of its section.
    Unused { rebinding: usize },
}

/// The keymap in force: each screen's bindings, in the order the help
/// lists them. One key does at most one thing per screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    library: Vec<Binding>,
    review: Vec<Binding>,
    cross: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::rebound(&[]).unwrap_or_else(|_| Keymap {
            library: Vec::new(),
            review: Vec::new(),
            cross: Vec::new(),
        })
    }
}

impl Keymap {
    /// The defaults with `rebindings` made, in order: a section for one
    /// screen after `everywhere`, whatever their order in the list, so the
    /// screen's own section wins. A rebound action keeps its place in the
    /// help. Every problem is reported, not just the first.
    pub fn rebound(rebindings: &[Rebinding]) -> Result<Keymap, Vec<RebindError>> {
        let mut errors = Vec::new();
        for (i, r) in rebindings.iter().enumerate() {
            let used = Context::ALL.iter().any(|&c| {
                r.scope.covers(c)
                    && DEFAULTS
                        .iter()
                        .any(|d| d.action == r.action && d.scope.covers(c))
            });
            if !used {
                errors.push(RebindError::Unused { rebinding: i });
            }
        }
        let mut lists = [Vec::new(), Vec::new(), Vec::new()];
        for (slot, context) in Context::ALL.into_iter().enumerate() {
            // Each action's keys on this screen, and which rebinding set
            // them (None: the defaults).
            let mut actions: Vec<(Action, Vec<Key>, Option<usize>)> = Vec::new();
            for d in DEFAULTS.iter().filter(|d| d.scope.covers(context)) {
                match actions.iter_mut().find(|(a, _, _)| *a == d.action) {
                    Some((_, keys, _)) => keys.push(d.key),
                    None => actions.push((d.action, vec![d.key], None)),
                }
            }
            let order = rebindings
                .iter()
                .enumerate()
                .filter(|(_, r)| r.scope == Scope::Everywhere)
                .chain(
                    rebindings
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.scope != Scope::Everywhere),
                );
            for (i, r) in order {
                if !r.scope.covers(context) {
                    continue;
                }
                if let Some((_, keys, by)) = actions.iter_mut().find(|(a, _, _)| *a == r.action) {
                    keys.clear();
                    for k in &r.keys {
                        if !keys.contains(k) {
                            keys.push(*k);
                        }
                    }
                    *by = Some(i);
                }
            }
            let mut bindings: Vec<(Binding, Option<usize>)> = Vec::new();
            for (action, keys, by) in actions {
                for key in keys {
                    if let Some((other, other_by)) = bindings
                        .iter()
                        .find(|(b, _)| b.key == key)
                        .map(|(b, by)| (b.action, *by))
                    {
                        // Blame the rebinding that made the clash; when
                        // both did, the later one.
                        let (rebinding, other) = match (by, other_by) {
                            (Some(a), Some(b)) if b > a => (b, action),
                            (Some(a), _) => (a, other),
                            (None, Some(b)) => (b, action),
                            (None, None) => continue,
                        };
                        let error = RebindError::Conflict {
                            rebinding,
                            key,
                            context,
                            other,
                        };
                        // An `everywhere` clash happens on both screens:
                        // say it once.
                        let seen = errors.iter().any(|e| match e {
                            RebindError::Conflict {
                                rebinding: r,
                                key: k,
                                other: o,
                                ..
                            } => *r == rebinding && *k == key && *o == other,
                            RebindError::Unused { .. } => false,
                        });
                        if !seen {
                            errors.push(error);
                        }
                        continue;
                    }
                    bindings.push((Binding { key, action }, by));
                }
            }
            lists[slot] = bindings.into_iter().map(|(b, _)| b).collect();
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let [library, review, cross] = lists;
        Ok(Keymap {
            library,
            review,
            cross,
        })
    }

    /// The bindings of `context`, in the help's order.
    pub fn bindings(&self, context: Context) -> &[Binding] {
        match context {
            Context::Library => &self.library,
            Context::Review => &self.review,
            Context::Cross => &self.cross,
        }
    }

    /// The action bound to `event` in `context`, if any.
    pub fn action_for(&self, event: &KeyEvent, context: Context) -> Option<Action> {
        self.bindings(context)
            .iter()
            .find(|b| b.key.matches(event))
            .map(|b| b.action)
    }

    /// The keys of `action` in `context`, first the one hints show.
    pub fn keys(&self, action: Action, context: Context) -> impl Iterator<Item = Key> + '_ {
        self.bindings(context)
            .iter()
            .filter(move |b| b.action == action)
            .map(|b| b.key)
    }

    /// How hints write `action`'s first key in `context`; `None` when it
    /// has no key there.
    pub fn label(&self, action: Action, context: Context) -> Option<String> {
        self.keys(action, context).next().map(|k| k.label())
    }

    /// `action`'s keys in `context` written for a hint: `j/k` for two
    /// actions, each by its first key; an action without a key is left out.
    pub fn labels(&self, actions: &[Action], context: Context) -> String {
        let labels: Vec<String> = actions
            .iter()
            .filter_map(|&a| self.label(a, context))
            .collect();
        labels.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;
    use std::collections::HashSet;

    fn press(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn no_key_is_bound_twice_by_default() {
        for context in Context::ALL {
            let mut seen = HashSet::new();
            let defaults = DEFAULTS.iter().filter(|d| d.scope.covers(context));
            for d in defaults {
                assert!(
                    seen.insert(d.key),
                    "{} is bound twice in {context:?}",
                    d.key
                );
            }
        }
        assert!(Keymap::rebound(&[]).is_ok());
    }

    #[test]
    fn an_everywhere_key_that_the_view_across_incidents_uses_is_a_conflict() {
        // h moves between incidents there: Help on h everywhere clashes.
        let rebound = Keymap::rebound(&[Rebinding {
            scope: Scope::Everywhere,
            action: Action::Help,
            keys: vec![Key::new(KeyCode::Char('h'))],
        }]);
        assert_eq!(
            rebound,
            Err(vec![RebindError::Conflict {
                rebinding: 0,
                key: Key::new(KeyCode::Char('h')),
                context: Context::Cross,
                other: Action::Left,
            }])
        );
        // In the review alone it is free.
        let rebound = Keymap::rebound(&[Rebinding {
            scope: Scope::Review,
            action: Action::Help,
            keys: vec![Key::new(KeyCode::Char('h'))],
        }]);
        assert!(rebound.is_ok(), "{rebound:?}");
        // The view's own keys can be rebound in its section.
        let keymap = Keymap::rebound(&[Rebinding {
            scope: Scope::Cross,
            action: Action::FamilyFilter,
            keys: vec![Key::new(KeyCode::Char('a'))],
        }])
        .expect("a keymap");
        assert_eq!(
            keymap.action_for(&press('a'), Context::Cross),
            Some(Action::FamilyFilter)
        );
        assert_eq!(keymap.action_for(&press('f'), Context::Cross), None);
    }

    #[test]
    fn every_action_has_a_key_a_description_and_a_name() {
        for &action in Action::ALL {
            assert!(
                DEFAULTS.iter().any(|d| d.action == action),
                "{action:?} has no key"
            );
            assert!(!action.describe().is_empty());
            assert_eq!(Action::from_name(action.name()), Some(action));
            // The name is serde's: what the configuration reads.
            let ron = ron::to_string(&action).unwrap_or_default();
            assert_eq!(ron, action.name());
        }
    }

    #[test]
    fn shifted_letters_match_their_binding() {
        let keymap = Keymap::default();
        let g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(keymap.action_for(&g, Context::Review), Some(Action::Bottom));
        assert_eq!(keymap.action_for(&press('n'), Context::Library), None);
        assert_eq!(
            keymap.action_for(&press('n'), Context::Review),
            Some(Action::Next)
        );
    }

    fn rebind(scope: Scope, action: Action, keys: &[&str]) -> Rebinding {
        Rebinding {
            scope,
            action,
            keys: keys.iter().map(|k| Key::parse(k).expect("a key")).collect(),
        }
    }

    #[test]
    fn a_rebound_action_takes_its_new_keys_and_drops_the_old() {
        let keymap = Keymap::rebound(&[rebind(S::Review, A::NewFinding, &["a", "Ctrl-N"])])
            .expect("no conflict");
        let review = Context::Review;
        assert_eq!(
            keymap.action_for(&press('a'), review),
            Some(Action::NewFinding)
        );
        assert_eq!(keymap.action_for(&press('f'), review), None);
        assert_eq!(
            keymap.label(Action::NewFinding, review).as_deref(),
            Some("a")
        );
        // It keeps its place in the help's order.
        let order = |k: &Keymap| -> Vec<Action> {
            let mut seen = Vec::new();
            for b in k.bindings(review) {
                if !seen.contains(&b.action) {
                    seen.push(b.action);
                }
            }
            seen
        };
        assert_eq!(order(&keymap), order(&Keymap::default()));
    }

    #[test]
    fn a_screens_section_wins_over_everywhere_on_that_screen_only() {
        let keymap = Keymap::rebound(&[
            rebind(S::Review, A::Quit, &["Q"]),
            rebind(S::Everywhere, A::Quit, &["Z"]),
        ])
        .expect("no conflict");
        let q = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT);
        assert_eq!(keymap.action_for(&q('Q'), Context::Review), Some(A::Quit));
        assert_eq!(keymap.action_for(&q('Z'), Context::Review), None);
        assert_eq!(keymap.action_for(&q('Z'), Context::Library), Some(A::Quit));
        assert_eq!(keymap.action_for(&press('q'), Context::Library), None);
    }

    #[test]
    fn a_key_taken_by_another_action_is_a_conflict_naming_both() {
        let errors =
            Keymap::rebound(&[rebind(S::Review, A::NewFinding, &["j"])]).expect_err("j moves down");
        assert_eq!(
            errors,
            vec![RebindError::Conflict {
                rebinding: 0,
                key: Key::new(KeyCode::Char('j')),
                context: Context::Review,
                other: Action::Down,
            }]
        );
        // Moving the other action away first is no conflict.
        assert!(
            Keymap::rebound(&[
                rebind(S::Review, A::NewFinding, &["j"]),
                rebind(S::Everywhere, A::Down, &["↓"]),
            ])
            .is_ok()
        );
        // Two rebindings on one key: the later is blamed, the earlier named.
        let errors = Keymap::rebound(&[
            rebind(S::Review, A::Flag, &["a"]),
            rebind(S::Review, A::Link, &["a"]),
        ])
        .expect_err("a twice");
        assert!(matches!(
            errors[..],
            [RebindError::Conflict {
                rebinding: 1,
                other: Action::Flag,
                ..
            }]
        ));
    }

    #[test]
    fn an_action_rebound_where_it_does_nothing_is_reported() {
        let errors = Keymap::rebound(&[rebind(S::Library, A::NewFinding, &["a"])])
            .expect_err("no findings in the library");
        assert_eq!(errors, vec![RebindError::Unused { rebinding: 0 }]);
        // `everywhere` takes the action where it is used.
        assert!(Keymap::rebound(&[rebind(S::Everywhere, A::NewFinding, &["a"])]).is_ok());
    }
}
