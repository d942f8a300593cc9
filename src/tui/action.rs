//! The one list of what the keys do. Input handling, the help overlay and the
//! status-bar hints are all generated from [`KEYMAP`], so they cannot disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
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
}

impl Action {
    /// Every action, for checks that each has a key and a description.
    pub const ALL: [Action; 34] = [
        Action::Quit,
        Action::Help,
        Action::Back,
        Action::Up,
        Action::Down,
        Action::Top,
        Action::Bottom,
        Action::PageUp,
        Action::PageDown,
        Action::Next,
        Action::Previous,
        Action::FocusNext,
        Action::Open,
        Action::Search,
        Action::CycleZone,
        Action::DetailDown,
        Action::DetailUp,
        Action::DetailPageDown,
        Action::DetailPageUp,
        Action::ToggleReviewed,
        Action::Flag,
        Action::Include,
        Action::Note,
        Action::NewFinding,
        Action::Findings,
        Action::EditFinding,
        Action::DeleteFinding,
        Action::Link,
        Action::SignOff,
        Action::Undo,
        Action::EditRecord,
        Action::Export,
        Action::Messages,
        Action::Conflicts,
    ];

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
            Action::Export => "export the review as a report (Markdown, HTML, JSON, STIX 2.1)",
            Action::Messages => "show this session's messages in full, newest first",
            Action::Conflicts => "list the merge conflicts: keep ours, take theirs or combine them",
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
            Action::Conflicts => "conflicts",
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
            Action::Up | Action::Down => 13,
            _ => 20,
        }
    }
}

/// A key pressed with Ctrl.
const fn ctrl(
    c: char,
    label: &'static str,
    action: Action,
    context: Context,
    hint: bool,
) -> Binding {
    Binding {
        modifiers: KeyModifiers::CONTROL,
        ..key(KeyCode::Char(c), label, action, context, hint)
    }
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Everywhere,
    Library,
    Review,
}

/// One key binding. `label` is how the help shows the key.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
    pub label: &'static str,
    pub action: Action,
    pub context: Context,
    /// Shown in the status bar.
    pub hint: bool,
}

const fn key(
    code: KeyCode,
    label: &'static str,
    action: Action,
    context: Context,
    hint: bool,
) -> Binding {
    Binding {
        code,
        modifiers: KeyModifiers::NONE,
        label,
        action,
        context,
        hint,
    }
}

use Action as A;
use Context as C;
use KeyCode as K;

pub const KEYMAP: &[Binding] = &[
    key(K::Char('q'), "q", A::Quit, C::Everywhere, true),
    key(K::Char('?'), "?", A::Help, C::Everywhere, true),
    key(K::Esc, "Esc", A::Back, C::Everywhere, false),
    key(K::Char('k'), "k", A::Up, C::Everywhere, false),
    key(K::Up, "↑", A::Up, C::Everywhere, false),
    key(K::Char('j'), "j", A::Down, C::Everywhere, true),
    key(K::Down, "↓", A::Down, C::Everywhere, false),
    key(K::Char('g'), "g", A::Top, C::Everywhere, false),
    key(K::Home, "Home", A::Top, C::Everywhere, false),
    key(K::Char('G'), "G", A::Bottom, C::Everywhere, false),
    key(K::End, "End", A::Bottom, C::Everywhere, false),
    key(K::PageUp, "PgUp", A::PageUp, C::Everywhere, false),
    key(K::PageDown, "PgDn", A::PageDown, C::Everywhere, false),
    key(K::Enter, "Enter", A::Open, C::Everywhere, true),
    key(K::Char('/'), "/", A::Search, C::Everywhere, true),
    key(K::Char('n'), "n", A::Next, C::Review, true),
    key(K::Char('N'), "N", A::Previous, C::Review, false),
    key(K::Tab, "Tab", A::FocusNext, C::Review, true),
    key(K::Char('t'), "t", A::CycleZone, C::Review, true),
    key(K::Char('J'), "J", A::DetailDown, C::Review, false),
    key(K::Char('K'), "K", A::DetailUp, C::Review, false),
    // Half a pane, as in vim and less. PgUp/PgDn stay with the focused
    // list; Ctrl-F/Ctrl-B are left alone (Ctrl-B is tmux's prefix key).
    ctrl('d', "Ctrl-D", A::DetailPageDown, C::Review, false),
    ctrl('u', "Ctrl-U", A::DetailPageUp, C::Review, false),
    key(K::Char(' '), "Space", A::ToggleReviewed, C::Review, true),
    key(K::Char('!'), "!", A::Flag, C::Review, false),
    key(K::Char('i'), "i", A::Include, C::Review, false),
    key(K::Char('m'), "m", A::Note, C::Review, false),
    key(K::Char('f'), "f", A::NewFinding, C::Review, true),
    key(K::Char('F'), "F", A::Findings, C::Review, true),
    key(K::Char('e'), "e", A::EditFinding, C::Review, false),
    key(K::Char('d'), "d", A::DeleteFinding, C::Review, false),
    key(K::Char('l'), "l", A::Link, C::Review, false),
    key(K::Char('S'), "S", A::SignOff, C::Review, false),
    key(K::Char('u'), "u", A::Undo, C::Review, true),
    key(K::Char('E'), "E", A::EditRecord, C::Review, false),
    key(K::Char('x'), "x", A::Export, C::Review, true),
    key(K::Char('M'), "M", A::Messages, C::Everywhere, true),
    key(K::Char('C'), "C", A::Conflicts, C::Review, false),
];

/// The action bound to `event` in `context`, if any.
pub fn action_for(event: &KeyEvent, context: Context) -> Option<Action> {
    // Shift is implied by the character itself ('G', '?'), so ignore it.
    let mods = event.modifiers - KeyModifiers::SHIFT;
    KEYMAP
        .iter()
        .find(|b| {
            b.code == event.code
                && b.modifiers == mods
                && (b.context == context || b.context == Context::Everywhere)
        })
        .map(|b| b.action)
}

/// The bindings that apply in `context`, in keymap order.
pub fn bindings(context: Context) -> impl Iterator<Item = &'static Binding> {
    KEYMAP
        .iter()
        .filter(move |b| b.context == context || b.context == Context::Everywhere)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for context in [Context::Library, Context::Review] {
            let mut seen = HashSet::new();
            for b in bindings(context) {
                assert!(
                    seen.insert((b.code, b.modifiers)),
                    "{} is bound twice in {context:?}",
                    b.label
                );
            }
        }
    }

    #[test]
    fn every_action_has_a_key_and_a_description() {
        for action in Action::ALL {
            assert!(
                KEYMAP.iter().any(|b| b.action == action),
                "{action:?} has no key"
            );
            assert!(!action.describe().is_empty());
        }
    }

    #[test]
    fn shifted_letters_match_their_binding() {
        let g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(action_for(&g, Context::Review), Some(Action::Bottom));
        let n = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE);
        assert_eq!(action_for(&n, Context::Library), None);
        assert_eq!(action_for(&n, Context::Review), Some(Action::Next));
    }
}
