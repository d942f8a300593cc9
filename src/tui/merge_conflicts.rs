//! The merge conflicts overlay (`C`): each field two analysts changed
//! differently, with the common, our and their versions, and the choice
//! of ours (`o`), theirs (`t`) or a combination (`e`: the two texts to edit
//! into one, or a picker for a field of fixed values). A choice is an
//! [`Edit::ResolveConflict`], saved and undone (`u`) like any change.
//! State, keys and drawing of the overlay live here; `update` routes keys
//! to [`key`] while it is open.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui_textarea::TextArea;

use super::app::{App, Overlay, Screen};
use super::form::{text_block, text_field};
use super::update::Effect;
use crate::model::{
    Confidence, Conflict, ConflictField, ConflictItem, ConflictValue, FindingKind, Level,
    Likelihood, RecommendationStatus, Severity,
};
use crate::review::Edit;

/// The overlay's state: which conflict is selected, and the combination
/// being made, if any.
#[derive(Debug, Clone)]
pub struct ConflictsOverlay {
    pub selected: usize,
    pub combine: Option<Combine>,
}

/// A combination of the two versions, in the making.
#[derive(Debug, Clone)]
pub struct Combine {
    /// The conflict it settles, by what it is about (not by position: the
    /// list may change under it, after a reload).
    pub item: ConflictItem,
    pub field: ConflictField,
    pub how: Combining,
    /// Why the last Ctrl-S did not save.
    pub error: Option<String>,
    /// Whether the analyst changed the text, and whether Esc is asking
    /// before throwing the changes away.
    pub dirty: bool,
    pub confirm_discard: bool,
}

#[derive(Debug, Clone)]
pub enum Combining {
    /// Free text, starting from ours and theirs one after the other.
    Text(Box<TextArea<'static>>),
    /// A field of fixed values: ←/→ through them, from ours.
    Pick {
        choices: Vec<ConflictValue>,
        at: usize,
    },
}

/// Opens the overlay (`C`), or says there is nothing to resolve.
pub fn open(app: &mut App) {
    let Screen::Review(r) = &app.screen else {
        return;
    };
    if r.state.review.conflicts.is_empty() {
        app.message = Some("this review has no merge conflicts".into());
        return;
    }
    app.overlay = Some(Overlay::MergeConflicts(Box::new(ConflictsOverlay {
        selected: 0,
        combine: None,
    })));
}

/// Opens the overlay when the review has conflicts and can be written
/// (a review fresh from a `git merge`), saying so.
pub fn open_if_any(app: &mut App) {
    let Screen::Review(r) = &app.screen else {
        return;
    };
    let n = r.state.review.conflicts.len();
    if n == 0 || r.state.read_only() {
        return;
    }
    app.message = Some(format!(
        "a git merge left {} to resolve",
        crate::wording::count(n, "conflict", "conflicts")
    ));
    open(app);
}

fn conflicts(app: &App) -> &[Conflict] {
    match &app.screen {
        Screen::Review(r) => &r.state.review.conflicts,
        Screen::Library | Screen::Cross(_) => &[],
    }
}

/// Answers a key while the overlay is open.
pub fn key(app: &mut App, mut state: Box<ConflictsOverlay>, key: KeyEvent) -> Vec<Effect> {
    let count = conflicts(app).len();
    state.selected = state.selected.min(count.saturating_sub(1));
    if state.combine.is_some() {
        return combine_key(app, state, key);
    }
    let chosen = conflicts(app).get(state.selected).cloned();
    let effects = match (key.code, chosen) {
        (KeyCode::Esc, _) | (KeyCode::Char('q'), _) => {
            if count > 0 {
                app.message = Some(format!(
                    "{} left; {} lists them again",
                    crate::wording::count(count, "merge conflict", "merge conflicts"),
                    app.key_label(super::action::Action::Conflicts)
                ));
            }
            return Vec::new();
        }
        (KeyCode::Down | KeyCode::Char('j'), _) => {
            state.selected = (state.selected + 1).min(count.saturating_sub(1));
            Vec::new()
        }
        (KeyCode::Up | KeyCode::Char('k'), _) => {
            state.selected = state.selected.saturating_sub(1);
            Vec::new()
        }
        (KeyCode::Char('o'), Some(c)) => resolve(app, &c.item, c.field, c.ours.clone()),
        (KeyCode::Char('t'), Some(c)) => resolve(app, &c.item, c.field, c.theirs.clone()),
        (KeyCode::Char('e'), Some(c)) => {
            match start_combining(&c) {
                Some(combine) => state.combine = Some(combine),
                None => {
                    app.message = Some(format!(
                        "{} is kept or deleted, not combined: o keeps ours ({}), t takes theirs ({})",
                        c.item.describe(),
                        c.ours.describe(),
                        c.theirs.describe()
                    ));
                }
            }
            Vec::new()
        }
        (KeyCode::Char('u'), _) => super::update::undo(app),
        _ => Vec::new(),
    };
    keep_open(app, state);
    effects
}

/// Puts the overlay back while conflicts remain; says so when none do.
fn keep_open(app: &mut App, mut state: Box<ConflictsOverlay>) {
    let count = conflicts(app).len();
    if count == 0 {
        if let Some(m) = &mut app.message {
            m.push_str("; no merge conflicts are left");
        } else {
            app.message = Some("no merge conflicts are left".into());
        }
        return;
    }
    state.selected = state.selected.min(count - 1);
    app.overlay = Some(Overlay::MergeConflicts(state));
}

/// Gives the conflict's field `value`, as any change: applied, kept for
/// undo, saved.
fn resolve(
    app: &mut App,
    item: &ConflictItem,
    field: ConflictField,
    value: ConflictValue,
) -> Vec<Effect> {
    let edit = Edit::ResolveConflict {
        item: item.clone(),
        field,
        value,
    };
    match super::update::apply(app, edit) {
        Ok(applied) => {
            app.message = Some(applied.summary);
            vec![Effect::Save]
        }
        Err(why) => {
            app.message = Some(why);
            Vec::new()
        }
    }
}

/// Every value a field of fixed values can take.
fn choices(field: ConflictField) -> Vec<ConflictValue> {
    use ConflictValue as V;
    match field {
        ConflictField::Kind => FindingKind::ALL.map(V::Kind).to_vec(),
        ConflictField::Severity => Severity::ALL.map(V::Severity).to_vec(),
        ConflictField::Likelihood => Likelihood::ALL.map(V::Likelihood).to_vec(),
        ConflictField::Confidence => Confidence::ALL.map(V::Confidence).to_vec(),
        ConflictField::Portion => Level::ALL.map(V::Portion).to_vec(),
        ConflictField::Status => RecommendationStatus::ALL.map(V::Status).to_vec(),
        ConflictField::Verdict => crate::model::Verdict::ALL
            .map(V::Verdict)
            .into_iter()
            .chain([V::Unset])
            .collect(),
        _ => Vec::new(),
    }
}

/// The text of a version to start a combination from.
fn as_text(v: &ConflictValue) -> String {
    match v {
        ConflictValue::Text(t) => t.clone(),
        ConflictValue::Due(d) => d.format("%Y-%m-%d").to_string(),
        _ => String::new(),
    }
}

/// Fields written on one line: their combination starts from ours.
fn one_line(field: ConflictField) -> bool {
    matches!(
        field,
        ConflictField::Title | ConflictField::Owner | ConflictField::Finding | ConflictField::Due
    )
}

fn start_combining(c: &Conflict) -> Option<Combine> {
    let how = if c.field.is_text() {
        let (ours, theirs) = (as_text(&c.ours), as_text(&c.theirs));
        if one_line(c.field) {
            Combining::Text(Box::new(text_field(&ours, "one line; Ctrl-S saves")))
        } else {
            // Both texts, ours first, to cut down to one.
            let both = match (ours.is_empty(), theirs.is_empty()) {
                (true, _) => theirs,
                (_, true) => ours,
                _ => format!("{ours}\n\n{theirs}"),
            };
            Combining::Text(Box::new(text_block(
                &both,
                "the combined text; Ctrl-S saves",
            )))
        }
    } else {
        let all = choices(c.field);
        if all.is_empty() {
            return None;
        }
        let at = all.iter().position(|v| *v == c.ours).unwrap_or(0);
        Combining::Pick { choices: all, at }
    };
    Some(Combine {
        item: c.item.clone(),
        field: c.field,
        how,
        error: None,
        dirty: false,
        confirm_discard: false,
    })
}

fn combine_key(app: &mut App, mut state: Box<ConflictsOverlay>, key: KeyEvent) -> Vec<Effect> {
    let Some(mut combine) = state.combine.take() else {
        keep_open(app, state);
        return Vec::new();
    };
    let save = (key.code == KeyCode::Char('s') && key.modifiers.contains(KeyModifiers::CONTROL))
        || (key.code == KeyCode::Enter && !matches!(combine.how, Combining::Text(_)))
        || (key.code == KeyCode::Enter && one_line(combine.field));
    if std::mem::take(&mut combine.confirm_discard) {
        // Asked whether to throw the text away: y does, any other key
        // goes back to editing.
        if key.code == KeyCode::Char('y') {
            app.message = Some("threw the combination away; the conflict is still open".into());
        } else {
            state.combine = Some(combine);
        }
        keep_open(app, state);
        return Vec::new();
    }
    if key.code == KeyCode::Esc {
        if combine.dirty {
            combine.confirm_discard = true;
            state.combine = Some(combine);
        } else {
            app.message = Some("closed the combination; the conflict is still open".into());
        }
        keep_open(app, state);
        return Vec::new();
    }
    if save {
        match combined_value(&combine) {
            Ok(value) => {
                let effects = resolve(app, &combine.item, combine.field, value);
                if effects.is_empty() {
                    // Not applied (the item is gone, say): keep the text.
                    combine.error = app.message.clone();
                    state.combine = Some(combine);
                }
                keep_open(app, state);
                return effects;
            }
            Err(why) => combine.error = Some(why),
        }
    } else {
        match &mut combine.how {
            Combining::Text(t) => {
                combine.dirty |= t.input(key);
            }
            Combining::Pick { choices, at } => match key.code {
                KeyCode::Left | KeyCode::Char('h') => *at = at.saturating_sub(1),
                KeyCode::Right | KeyCode::Char('l') => {
                    *at = (*at + 1).min(choices.len().saturating_sub(1))
                }
                _ => {}
            },
        }
    }
    state.combine = Some(combine);
    keep_open(app, state);
    Vec::new()
}

/// The value the combination gives, or why it cannot be saved.
fn combined_value(c: &Combine) -> Result<ConflictValue, String> {
    let text = match &c.how {
        Combining::Pick { choices, at } => {
            return choices
                .get(*at)
                .cloned()
                .ok_or_else(|| "nothing is chosen".to_string());
        }
        Combining::Text(t) => t.lines().join("\n").trim().to_string(),
    };
    super::form::fits(&text, c.field.name())?;
    match c.field {
        ConflictField::Due if text.is_empty() => Ok(ConflictValue::Unset),
        ConflictField::Due => NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map(ConflictValue::Due)
            .map_err(|_| format!("{text:?} is not a date: write YYYY-MM-DD, or nothing")),
        ConflictField::Note if text.is_empty() => Ok(ConflictValue::Unset),
        _ if text.is_empty() => Err(format!("the {} cannot be empty", c.field.name())),
        _ => Ok(ConflictValue::Text(text)),
    }
}

// Drawing. Versions are wrapped with the same wrapper as the detail pane,
// which escapes control characters and reads only what it shows.

/// Up to `most` rows of `text` wrapped to `width`, each prefixed by
/// `label` (the first) or blanks; `…` ends a text that did not fit.
fn wrapped(label: &str, text: &str, width: usize, most: usize) -> Vec<Line<'static>> {
    use crate::tui::wrap::{Lines, first_row, rows};
    let pad = crate::tui::view::width(label);
    // Two cells kept for the " …" of a text that does not fit.
    let room = width.saturating_sub(pad + 2).max(1);
    let doc = Lines(text.split('\n').map(Line::from).collect());
    let mut out: Vec<Line> = Vec::new();
    let rest = first_row(&doc).and_then(|start| {
        rows(&doc, start, room, most.max(1), |_, line| {
            let lead = if out.is_empty() {
                Span::styled(label.to_string(), Style::new().add_modifier(Modifier::BOLD))
            } else {
                Span::raw(" ".repeat(pad))
            };
            let mut spans = vec![lead];
            spans.extend(
                line.spans
                    .iter()
                    .map(|s| Span::styled(s.content.to_string(), s.style)),
            );
            out.push(Line::from(spans));
        })
    });
    if out.is_empty() {
        out.push(Line::from(label.to_string()));
    }
    if rest.is_some()
        && let Some(last) = out.last_mut()
    {
        last.spans.push(Span::raw(" …"));
    }
    out
}

pub fn draw(app: &App, state: &ConflictsOverlay, frame: &mut Frame, area: Rect) {
    let Screen::Review(r) = &app.screen else {
        return;
    };
    let list = &r.state.review.conflicts;
    // The status bar stays in sight: it says what the last choice did.
    let rect = crate::tui::view::centered(
        area,
        area.width.saturating_sub(2).min(110),
        area.height.saturating_sub(4),
    );
    let footer = match &state.combine {
        Some(Combine {
            confirm_discard: true,
            ..
        }) => " throw your combination away? y does · any other key keeps editing ".to_string(),
        Some(Combine {
            how: Combining::Pick { .. },
            ..
        }) => " ←/→ choose · Enter saves · Esc back ".to_string(),
        Some(_) => " Ctrl-S saves · Esc back ".to_string(),
        None => {
            " o keep ours · t take theirs · e combine · j/k move · u undo · Esc close ".to_string()
        }
    };
    let inner = crate::tui::view::overlays::frame_box(
        frame,
        rect,
        format!(
            " Merge conflicts: {} ",
            crate::wording::count(list.len(), "to resolve", "to resolve")
        ),
        &footer,
    );
    let width = usize::from(inner.width);
    let shown_rows = list.len().clamp(1, 6);
    let [top, gap, detail] = Layout::vertical([
        Constraint::Length(u16::try_from(shown_rows).unwrap_or(6)),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(inner);
    let _ = gap;
    let selected = state.selected.min(list.len().saturating_sub(1));
    let offset = selected.saturating_sub(shown_rows - 1);
    let rows: Vec<Line> = list
        .iter()
        .enumerate()
        .skip(offset)
        .take(shown_rows)
        .map(|(i, c)| {
            let what = c.describe();
            let title = r
                .state
                .index
                .conflict_title(&r.state.review, i)
                .map(|t| {
                    let room = width.saturating_sub(crate::tui::view::width(&what) + 5);
                    format!("  {}", crate::tui::view::safe_elide(t, room))
                })
                .unwrap_or_default();
            let line = Line::from(format!(
                "{} {}{title}",
                if i == selected { "▸" } else { " " },
                crate::tui::view::safe(&what)
            ));
            if i == selected {
                line.style(app.theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(rows), top);
    let Some(c) = list.get(selected) else {
        return;
    };
    match &state.combine {
        Some(combine) => draw_combine(c, combine, frame, detail),
        None => draw_versions(c, frame, detail),
    }
}

/// How many rows `text` takes wrapped to `width`, counted up to `most`.
fn rows_of(text: &str, width: usize, most: usize) -> usize {
    use crate::tui::wrap::{Lines, first_row, rows};
    let doc = Lines(text.split('\n').map(Line::from).collect());
    let mut n = 0;
    if let Some(start) = first_row(&doc) {
        rows(&doc, start, width.max(1), most, |_, _| n += 1);
    }
    n.max(1)
}

/// The three versions, each given the rows it needs as far as they go:
/// ours, then theirs, then the common version.
fn draw_versions(c: &Conflict, frame: &mut Frame, area: Rect) {
    const LABELS: [&str; 3] = [
        "ours (in the review now): ",
        "theirs:                   ",
        "before both:              ",
    ];
    let width = usize::from(area.width);
    let room = width.saturating_sub(crate::tui::view::width(LABELS[0]) + 2);
    let available = usize::from(area.height).saturating_sub(2);
    let texts = [c.ours.describe(), c.theirs.describe(), c.base.describe()];
    let need: Vec<usize> = texts.iter().map(|t| rows_of(t, room, available)).collect();
    // One row each, then a row at a time to each that needs more, in turn.
    let mut given = [1usize; 3];
    let mut left = available.saturating_sub(3);
    loop {
        let mut gave = false;
        for k in 0..3 {
            if left > 0 && given[k] < need[k] {
                given[k] += 1;
                left -= 1;
                gave = true;
            }
        }
        if !gave {
            break;
        }
    }
    let mut lines = Vec::new();
    for (k, (label, text)) in LABELS.iter().zip(&texts).enumerate() {
        if k > 0 {
            lines.push(Line::from(""));
        }
        lines.extend(wrapped(label, text, width, given[k]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_combine(c: &Conflict, combine: &Combine, frame: &mut Frame, area: Rect) {
    let [head, body, error] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(u16::from(combine.error.is_some())),
    ])
    .areas(area);
    let what = crate::tui::view::safe(&c.describe());
    match &combine.how {
        Combining::Text(t) => {
            frame.render_widget(
                Paragraph::new(format!(
                    "Combine ours and theirs into the {what} (ours first):"
                )),
                head,
            );
            crate::tui::view::field::draw(frame, body, t, true);
        }
        Combining::Pick { choices, at } => {
            frame.render_widget(Paragraph::new(format!("Choose the {what}:")), head);
            let value = choices
                .get(*at)
                .map(ConflictValue::describe)
                .unwrap_or_default();
            let back = if *at > 0 { "◂" } else { " " };
            let on = if *at + 1 < choices.len() { "▸" } else { " " };
            frame.render_widget(
                Paragraph::new(vec![
                    Line::from(""),
                    Line::from(format!("  {back} {value} {on}")),
                ]),
                body,
            );
        }
    }
    if let Some(e) = &combine.error {
        crate::tui::view::field::draw_error(frame, error, e);
    }
}
