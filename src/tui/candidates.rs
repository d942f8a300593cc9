//! The candidates overlay (`c`): the selected event's candidate controls,
//! most reasons first, each with the chains that propose it, its decision
//! if any and its catalogue title. Enter opens a picker for the decision
//! (an effect, or dismissed) with an optional note; Backspace takes a
//! decision back. Each choice is an [`Edit::Decide`], saved and undone
//! (`u`) like any change; the review screen then shows the record with it
//! applied. State, keys and drawing of the overlay live here; `update`
//! routes keys to [`key`] while it is open.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, Overlay, Screen};
use super::update::Effect;
use crate::model::{Candidate, Event, Verdict};
use crate::review::Edit;
use crate::review::decide;

/// The overlay's state: whose candidates, in which order, which is
/// selected, and the decision being made, if any.
#[derive(Debug, Clone)]
pub struct CandidatesOverlay {
    /// The event, by id and by index into the record's events.
    pub event: String,
    pub index: usize,
    /// Indices into the event's candidates, ranked (worked out once, at
    /// opening, not per frame).
    pub order: Vec<usize>,
    pub selected: usize,
    pub pick: Option<Pick>,
}

/// A decision in the making.
#[derive(Debug, Clone)]
pub struct Pick {
    pub control: String,
    /// Into [`Verdict::ALL`].
    pub at: usize,
    pub note: String,
}

/// Opens the overlay on the selected event (`c`), or says why not.
pub fn open(app: &mut App) {
    let Screen::Review(r) = &app.screen else {
        return;
    };
    let Some(index) = r.event_index() else {
        app.message = Some("no event is selected".into());
        return;
    };
    let event = &r.bundle.record.events[index];
    if event.candidates.is_empty() {
        app.message = Some(format!(
            "event {} has no candidate controls",
            crate::tui::view::safe(&event.id)
        ));
        return;
    }
    let ranked = decide::ranked(event);
    let order = ranked
        .iter()
        .filter_map(|c| event.candidates.iter().position(|x| std::ptr::eq(x, *c)))
        .collect();
    app.overlay = Some(Overlay::Candidates(Box::new(CandidatesOverlay {
        event: event.id.to_string(),
        index,
        order,
        selected: 0,
        pick: None,
    })));
}

/// The event the overlay is about, if the open record still has it.
fn event<'a>(app: &'a App, state: &CandidatesOverlay) -> Option<&'a Event> {
    let Screen::Review(r) = &app.screen else {
        return None;
    };
    r.bundle
        .record
        .events
        .get(state.index)
        .filter(|e| e.id == state.event)
}

fn candidate<'a>(event: &'a Event, state: &CandidatesOverlay, row: usize) -> Option<&'a Candidate> {
    state.order.get(row).and_then(|&i| event.candidates.get(i))
}

/// Answers a key while the overlay is open.
pub fn key(app: &mut App, mut state: Box<CandidatesOverlay>, key: KeyEvent) -> Vec<Effect> {
    let Some(event) = event(app, &state) else {
        app.message = Some("the record changed: its candidates are shown again with c".into());
        return Vec::new();
    };
    let count = state.order.len();
    state.selected = state.selected.min(count.saturating_sub(1));
    let control = candidate(event, &state, state.selected).map(|c| c.control.to_string());
    if let Some(mut pick) = state.pick.take() {
        let effects = match key.code {
            KeyCode::Esc => Vec::new(),
            KeyCode::Left => {
                pick.at = (pick.at + Verdict::ALL.len() - 1) % Verdict::ALL.len();
                state.pick = Some(pick);
                Vec::new()
            }
            KeyCode::Right | KeyCode::Tab => {
                pick.at = (pick.at + 1) % Verdict::ALL.len();
                state.pick = Some(pick);
                Vec::new()
            }
            KeyCode::Backspace => {
                pick.note.pop();
                state.pick = Some(pick);
                Vec::new()
            }
            KeyCode::Enter => {
                let edit = Edit::Decide {
                    event: state.event.clone(),
                    control: pick.control.clone(),
                    verdict: Verdict::ALL.get(pick.at).copied(),
                    note: Some(pick.note.clone()),
                };
                decide_with(app, edit)
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                pick.note.push(c);
                state.pick = Some(pick);
                Vec::new()
            }
            _ => {
                state.pick = Some(pick);
                Vec::new()
            }
        };
        app.overlay = Some(Overlay::Candidates(state));
        return effects;
    }
    let effects = match (key.code, control) {
        (KeyCode::Esc | KeyCode::Char('q'), _) => return Vec::new(),
        (KeyCode::Down | KeyCode::Char('j'), _) => {
            state.selected = (state.selected + 1).min(count.saturating_sub(1));
            Vec::new()
        }
        (KeyCode::Up | KeyCode::Char('k'), _) => {
            state.selected = state.selected.saturating_sub(1);
            Vec::new()
        }
        (KeyCode::Enter, Some(control)) => {
            let Screen::Review(r) = &app.screen else {
                return Vec::new();
            };
            if r.state.read_only() {
                app.message = Some(super::update::read_only_message(&r.state).into());
            } else {
                // Start from the decision there is, else from "failed".
                let earlier = decide::decision(&r.state.review, &state.event, &control);
                let at = earlier
                    .and_then(|d| Verdict::ALL.iter().position(|v| *v == d.verdict))
                    .unwrap_or(0);
                let note = earlier.and_then(|d| d.note.clone()).unwrap_or_default();
                state.pick = Some(Pick { control, at, note });
            }
            Vec::new()
        }
        (KeyCode::Backspace | KeyCode::Delete, Some(control)) => decide_with(
            app,
            Edit::Decide {
                event: state.event.clone(),
                control,
                verdict: None,
                note: None,
            },
        ),
        (KeyCode::Char('u'), _) => super::update::undo(app),
        _ => Vec::new(),
    };
    app.overlay = Some(Overlay::Candidates(state));
    effects
}

/// Makes the decision as any change: applied, kept for undo, saved.
fn decide_with(app: &mut App, edit: Edit) -> Vec<Effect> {
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

/// The catalogue's title of a candidate, or the record's where the
/// catalogue lacks it.
fn title(app: &App, c: &Candidate) -> String {
    let catalogue = crate::model::Catalog::nist()
        .get(&c.control)
        .map(|e| e.title);
    match catalogue {
        Some(t) => t.to_string(),
        None => match &app.screen {
            Screen::Review(r) => r
                .bundle
                .record
                .control(&c.control)
                .map(|c| c.title.clone())
                .unwrap_or_default(),
            _ => String::new(),
        },
    }
}

pub fn draw(app: &App, state: &CandidatesOverlay, frame: &mut Frame, area: Rect) {
    let Screen::Review(r) = &app.screen else {
        return;
    };
    let Some(event) = event(app, state) else {
        return;
    };
    let rect = crate::tui::view::centered(
        area,
        area.width.saturating_sub(2).min(110),
        area.height.saturating_sub(4),
    );
    let footer = match &state.pick {
        Some(_) => " ←/→ choose · type a note · Enter saves · Esc back ",
        None => " Enter decide · Backspace undecide · j/k move · u undo · Esc close ",
    };
    let awaiting = r.bundle.awaiting.get(state.index).copied().unwrap_or(0);
    let inner = crate::tui::view::overlays::frame_box(
        frame,
        rect,
        format!(
            " Candidates at {}: {}, {} awaiting ",
            crate::tui::view::safe_elide(&event.id, 24),
            state.order.len(),
            awaiting
        ),
        footer,
    );
    let width = usize::from(inner.width);
    let list_rows = state
        .order
        .len()
        .clamp(1, usize::from(inner.height / 2).max(1));
    let [top, gap, detail] = Layout::vertical([
        Constraint::Length(u16::try_from(list_rows).unwrap_or(1)),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(inner);
    let _ = gap;
    let selected = state.selected.min(state.order.len().saturating_sub(1));
    let offset = selected.saturating_sub(list_rows.saturating_sub(1));
    let rows: Vec<Line> = (offset..state.order.len())
        .take(list_rows)
        .filter_map(|row| candidate(event, state, row).map(|c| (row, c)))
        .map(|(row, c)| {
            let decided = decide::decision(&r.state.review, &state.event, &c.control)
                .map_or("awaiting".to_string(), |d| d.verdict.describe());
            let reasons = crate::wording::count(c.chains.len(), "reason", "reasons");
            let head = format!(
                "{} {:<10} {:<13} {:<10} ",
                if row == selected { "▸" } else { " " },
                crate::tui::view::safe_cut(&c.control, 10),
                decided,
                reasons
            );
            let room = width.saturating_sub(crate::tui::view::width(&head));
            let line = Line::from(vec![
                Span::styled(head, Style::new().add_modifier(Modifier::BOLD)),
                Span::raw(crate::tui::view::safe_elide(&title(app, c), room)),
            ]);
            if row == selected {
                line.style(app.theme.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(rows), top);
    let Some(c) = candidate(event, state, selected) else {
        return;
    };
    let mut lines = Vec::new();
    if let Some(pick) = &state.pick {
        let choices: Vec<Span> = Verdict::ALL
            .iter()
            .enumerate()
            .flat_map(|(i, v)| {
                let word = match v {
                    Verdict::Dismissed => "dismiss".to_string(),
                    v => v.describe(),
                };
                let style = if i == pick.at {
                    app.theme.selected()
                } else {
                    Style::new()
                };
                [Span::styled(format!(" {word} "), style), Span::raw(" ")]
            })
            .collect();
        lines.push(Line::from(format!(
            "Decide on {} at {}:",
            crate::tui::view::safe(&c.control),
            crate::tui::view::safe(&state.event)
        )));
        lines.push(Line::from(choices));
        lines.push(Line::from(format!(
            "Note: {}▏",
            crate::tui::view::safe(&pick.note)
        )));
        lines.push(Line::from(""));
    }
    lines.push(Line::styled(
        "Why it is a candidate (what could have stopped it, not what failed):",
        Style::new().add_modifier(Modifier::BOLD),
    ));
    for chain in &c.chains {
        lines.push(Line::from(format!(
            "  {}",
            crate::tui::view::safe(&decide::chain_text(chain, &c.control))
        )));
    }
    if let Some(note) =
        decide::decision(&r.state.review, &state.event, &c.control).and_then(|d| d.note.as_deref())
    {
        lines.push(Line::from(format!(
            "Analyst's note: {}",
            crate::tui::view::safe(note)
        )));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), detail);
}
