//! The finding form and the note editor: their state and how they answer
//! keys. No I/O: a completed form yields an [`Edit`] for the caller to apply.

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use crate::model::{
    Confidence, Finding, FindingKind, Level, Likelihood, Recommendation, RecommendationStatus,
    Severity,
};
use crate::review::icd203::{Mixed, mixed_sentences};
use crate::review::{Edit, RecommendationDraft};

/// A one-line text field (a title, an owner, a date, a path), its cursor
/// at the start: a reopened form shows each such field from its start.
pub fn text_field(text: &str, placeholder: &str) -> TextArea<'static> {
    let mut t = editor(text, placeholder);
    t.move_cursor(CursorMove::Top);
    t.move_cursor(CursorMove::Head);
    t
}

/// A one-line field edited at its end (a path, whose file name is what
/// the analyst changes), its cursor there.
fn path_field(text: &str, placeholder: &str) -> TextArea<'static> {
    let mut t = editor(text, placeholder);
    t.move_cursor(CursorMove::End);
    t
}

/// A one-line text field that may hold more than fits on a row (a
/// recommendation's action): wrapped to the field's width when drawn.
pub fn wrapped_field(text: &str, placeholder: &str) -> TextArea<'static> {
    let mut t = text_field(text, placeholder);
    t.set_wrap_mode(WrapMode::WordOrGlyph);
    t
}

/// A text of lines (a statement, a note), wrapped to the field's width,
/// its cursor at the end, where the analyst goes on writing.
pub fn text_block(text: &str, placeholder: &str) -> TextArea<'static> {
    let mut t = editor(text, placeholder);
    t.set_wrap_mode(WrapMode::WordOrGlyph);
    t.move_cursor(CursorMove::Bottom);
    t.move_cursor(CursorMove::End);
    t
}

/// The editor of a field, styled as it is drawn when it has the focus:
/// a field without the focus is drawn by the view from its lines.
fn editor(text: &str, placeholder: &str) -> TextArea<'static> {
    let lines: Vec<String> = if text.is_empty() {
        vec![String::new()]
    } else {
        text.lines().map(str::to_string).collect()
    };
    let mut t = TextArea::new(lines);
    t.set_placeholder_text(placeholder);
    t.set_cursor_line_style(Style::new());
    t.set_cursor_style(Style::new().add_modifier(Modifier::REVERSED));
    t.set_style(Style::new().add_modifier(Modifier::UNDERLINED));
    t
}

fn text_of(t: &TextArea) -> String {
    t.lines().join("\n").trim().to_string()
}

/// Refuses a text `validate` would refuse (over 1 MiB), before it is saved:
/// a review with it would open read-only the next time.
pub(crate) fn fits(text: &str, what: &str) -> Result<(), String> {
    let most = crate::load::size::MAX_FIELD_BYTES;
    if text.len() <= most {
        return Ok(());
    }
    Err(format!(
        "the {what} is {} bytes; a text field holds at most {most} bytes (1 MiB)",
        text.len()
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecField {
    Action,
    Owner,
    Due,
    Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Statement,
    Kind,
    Severity,
    Likelihood,
    Confidence,
    Portion,
    Rec(usize, RecField),
    AddRec,
}

#[derive(Debug, Clone)]
pub struct RecForm {
    /// `None` until saved: the id is chosen when the edit is applied.
    pub id: Option<String>,
    pub action: TextArea<'static>,
    pub owner: TextArea<'static>,
    pub due: TextArea<'static>,
    pub status: RecommendationStatus,
}

#[derive(Debug, Clone)]
pub struct FindingForm {
    /// The finding edited; `None` for a new one, whose id is chosen when it
    /// is saved (another analyst may take the next one first).
    pub id: Option<String>,
    pub title: TextArea<'static>,
    pub statement: TextArea<'static>,
    pub kind: FindingKind,
    pub severity: Severity,
    pub likelihood: Likelihood,
    pub confidence: Confidence,
    pub portion: Level,
    /// The levels the record's scheme allows, for the portion picker.
    pub levels: Vec<Level>,
    pub events: Vec<String>,
    pub controls: Vec<String>,
    pub recs: Vec<RecForm>,
    pub focus: Field,
    pub dirty: bool,
    /// Why the last Ctrl-S did not save, shown under the field it names.
    pub error: Option<FieldError>,
    /// Esc was pressed with unsaved edits: waiting for y/n.
    pub confirm_discard: bool,
}

/// A field the form cannot be saved with, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

impl Field {
    /// The field's name in messages: "the due date of recommendation 2".
    pub fn describe(self) -> String {
        let rec = |i: usize, what: &str| format!("the {what} of recommendation {}", i + 1);
        match self {
            Field::Title => "the title".into(),
            Field::Statement => "the statement".into(),
            Field::Kind => "the kind".into(),
            Field::Severity => "the severity".into(),
            Field::Likelihood => "the likelihood".into(),
            Field::Confidence => "the confidence".into(),
            Field::Portion => "the portion".into(),
            Field::Rec(i, RecField::Action) => rec(i, "action"),
            Field::Rec(i, RecField::Owner) => rec(i, "owner"),
            Field::Rec(i, RecField::Due) => rec(i, "due date"),
            Field::Rec(i, RecField::Status) => rec(i, "status"),
            Field::AddRec => "add a recommendation".into(),
        }
    }
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormOutcome {
    Continue,
    Save(Edit),
    Cancel,
}

/// The choice after (or before) `current` in `all`. A picker stops at its
/// ends rather than wrap around: "almost certain" must never turn into
/// "almost no chance" on one key too many.
fn step<T: Copy + PartialEq>(all: &[T], current: T, forward: bool) -> T {
    let Some(i) = all.iter().position(|x| *x == current) else {
        return all.first().copied().unwrap_or(current);
    };
    let j = if forward {
        (i + 1).min(all.len() - 1)
    } else {
        i.saturating_sub(1)
    };
    all[j]
}

/// Whether a picker at `current` has a choice before it and one after it:
/// the view draws ◂ and ▸ only where a key would move.
pub fn has_neighbours<T: PartialEq>(all: &[T], current: &T) -> (bool, bool) {
    match all.iter().position(|x| x == current) {
        Some(i) => (i > 0, i + 1 < all.len()),
        None => (false, !all.is_empty()),
    }
}

impl FindingForm {
    /// A new finding, already linked to `events` and `controls`.
    pub fn new_finding(
        events: Vec<String>,
        controls: Vec<String>,
        portion: Level,
        levels: Vec<Level>,
    ) -> Self {
        FindingForm {
            id: None,
            title: text_field("", "a short title"),
            statement: text_block(
                "",
                "evidence, then judgement; likelihood and confidence go in their own fields",
            ),
            kind: FindingKind::ContributingFactor,
            severity: Severity::Medium,
            likelihood: Likelihood::Likely,
            confidence: Confidence::Moderate,
            portion,
            levels,
            events,
            controls,
            recs: Vec::new(),
            focus: Field::Title,
            dirty: false,
            error: None,
            confirm_discard: false,
        }
    }

    /// An existing finding with its recommendations.
    pub fn edit(finding: &Finding, recommendations: &[Recommendation], levels: Vec<Level>) -> Self {
        let recs = recommendations
            .iter()
            .filter(|r| r.finding == finding.id)
            .map(|r| RecForm {
                id: Some(r.id.clone()),
                action: wrapped_field(&r.action, "what to do"),
                owner: text_field(&r.owner, "who"),
                due: text_field(
                    &r.due.map(|d| d.to_string()).unwrap_or_default(),
                    "YYYY-MM-DD",
                ),
                status: r.status,
            })
            .collect();
        FindingForm {
            id: Some(finding.id.clone()),
            title: text_field(&finding.title, "a short title"),
            statement: text_block(&finding.statement, "evidence, then judgement"),
            kind: finding.kind,
            severity: finding.severity,
            likelihood: finding.likelihood,
            confidence: finding.confidence,
            portion: finding.portion,
            levels,
            events: finding.events.clone(),
            controls: finding.controls.clone(),
            recs,
            focus: Field::Title,
            dirty: false,
            error: None,
            confirm_discard: false,
        }
    }

    /// The fields in Tab order.
    fn order(&self) -> Vec<Field> {
        let mut v = vec![
            Field::Title,
            Field::Statement,
            Field::Kind,
            Field::Severity,
            Field::Likelihood,
            Field::Confidence,
            Field::Portion,
        ];
        for i in 0..self.recs.len() {
            for f in [
                RecField::Action,
                RecField::Owner,
                RecField::Due,
                RecField::Status,
            ] {
                v.push(Field::Rec(i, f));
            }
        }
        v.push(Field::AddRec);
        v
    }

    fn move_focus(&mut self, forward: bool) {
        let order = self.order();
        let i = order.iter().position(|f| *f == self.focus).unwrap_or(0);
        let n = order.len();
        self.focus = order[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
    }

    /// The statement's sentences that break the ICD 203 rule.
    pub fn icd203_warnings(&self) -> Vec<Mixed> {
        mixed_sentences(&text_of(&self.statement))
    }

    fn text_mut(&mut self) -> Option<&mut TextArea<'static>> {
        match self.focus {
            Field::Title => Some(&mut self.title),
            Field::Statement => Some(&mut self.statement),
            Field::Rec(i, RecField::Action) => self.recs.get_mut(i).map(|r| &mut r.action),
            Field::Rec(i, RecField::Owner) => self.recs.get_mut(i).map(|r| &mut r.owner),
            Field::Rec(i, RecField::Due) => self.recs.get_mut(i).map(|r| &mut r.due),
            _ => None,
        }
    }

    fn pick(&mut self, forward: bool) -> bool {
        match self.focus {
            Field::Kind => return changed(&mut self.kind, &FindingKind::ALL, forward),
            Field::Severity => return changed(&mut self.severity, &Severity::ALL, forward),
            Field::Likelihood => return changed(&mut self.likelihood, &Likelihood::ALL, forward),
            Field::Confidence => return changed(&mut self.confidence, &Confidence::ALL, forward),
            Field::Portion => return changed(&mut self.portion, &self.levels, forward),
            Field::Rec(i, RecField::Status) => {
                if let Some(r) = self.recs.get_mut(i) {
                    return changed(&mut r.status, &RecommendationStatus::ALL, forward);
                }
            }
            _ => {}
        }
        false
    }

    /// Answers one key.
    pub fn key(&mut self, key: KeyEvent) -> FormOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if let Some(outcome) = answer_discard(&mut self.confirm_discard, key) {
            return outcome;
        }
        match key.code {
            KeyCode::Char('s') if ctrl => return self.finish(),
            KeyCode::Esc => {
                if self.dirty {
                    self.confirm_discard = true;
                    return FormOutcome::Continue;
                }
                return FormOutcome::Cancel;
            }
            KeyCode::Tab => self.move_focus(true),
            KeyCode::BackTab => self.move_focus(false),
            KeyCode::Char('d') if ctrl => {
                if let Field::Rec(i, _) = self.focus {
                    self.recs.remove(i);
                    self.dirty = true;
                    self.focus = if self.recs.is_empty() {
                        Field::AddRec
                    } else {
                        Field::Rec(i.min(self.recs.len() - 1), RecField::Action)
                    };
                }
            }
            KeyCode::Enter if self.focus == Field::AddRec => {
                self.recs.push(RecForm {
                    id: None,
                    action: wrapped_field("", "what to do"),
                    owner: text_field("", "who"),
                    due: text_field("", "YYYY-MM-DD"),
                    status: RecommendationStatus::Recommended,
                });
                self.focus = Field::Rec(self.recs.len() - 1, RecField::Action);
                self.dirty = true;
            }
            // Enter starts a new line in the statement and moves on elsewhere.
            KeyCode::Enter if self.focus != Field::Statement => self.move_focus(true),
            KeyCode::Left | KeyCode::Right | KeyCode::Char(' ') if self.text_mut().is_none() => {
                if self.pick(key.code != KeyCode::Left) {
                    self.dirty = true;
                }
            }
            _ => {
                if let Some(t) = self.text_mut()
                    && t.input(key)
                {
                    self.dirty = true;
                }
            }
        }
        self.error = None;
        FormOutcome::Continue
    }

    /// Checks the form and, when it is complete, yields the edit. When it
    /// is not, the focus goes to the field at fault and the message says so.
    fn finish(&mut self) -> FormOutcome {
        match self.build() {
            Ok(edit) => FormOutcome::Save(edit),
            Err((field, mut message)) => {
                if field != self.focus {
                    message.push_str(&format!(" — focus moved to {}", field.describe()));
                }
                self.focus = field;
                self.error = Some(FieldError { field, message });
                FormOutcome::Continue
            }
        }
    }

    fn build(&self) -> Result<Edit, (Field, String)> {
        let title = text_of(&self.title).replace('\n', " ");
        if title.is_empty() {
            return Err((Field::Title, "the finding needs a title".into()));
        }
        fits(&title, "title").map_err(|e| (Field::Title, e))?;
        let statement = text_of(&self.statement);
        if statement.is_empty() {
            return Err((Field::Statement, "the finding needs a statement".into()));
        }
        fits(&statement, "statement").map_err(|e| (Field::Statement, e))?;
        let mut recommendations = Vec::new();
        for (i, r) in self.recs.iter().enumerate() {
            let action = text_of(&r.action).replace('\n', " ");
            if action.is_empty() {
                return Err((
                    Field::Rec(i, RecField::Action),
                    format!(
                        "recommendation {} needs an action (Ctrl-D removes it)",
                        i + 1
                    ),
                ));
            }
            fits(&action, "action").map_err(|e| (Field::Rec(i, RecField::Action), e))?;
            let owner = text_of(&r.owner).replace('\n', " ");
            fits(&owner, "owner").map_err(|e| (Field::Rec(i, RecField::Owner), e))?;
            let due_text = text_of(&r.due);
            let due = if due_text.is_empty() {
                None
            } else {
                let valid = due_text.len() == 10
                    && NaiveDate::parse_from_str(&due_text, "%Y-%m-%d").is_ok();
                if !valid {
                    return Err((
                        Field::Rec(i, RecField::Due),
                        format!(
                            "due date {due_text:?} is not a date: write YYYY-MM-DD, such as 2024-06-30"
                        ),
                    ));
                }
                NaiveDate::parse_from_str(&due_text, "%Y-%m-%d").ok()
            };
            recommendations.push(RecommendationDraft {
                id: r.id.clone(),
                action,
                owner,
                due,
                status: r.status,
            });
        }
        let finding = Finding {
            id: self.id.clone().unwrap_or_default(),
            title,
            statement,
            kind: self.kind,
            severity: self.severity,
            likelihood: self.likelihood,
            confidence: self.confidence,
            events: self.events.clone(),
            controls: self.controls.clone(),
            portion: self.portion,
        };
        Ok(match self.id {
            Some(_) => Edit::SaveFinding {
                finding,
                recommendations,
            },
            None => Edit::AddFinding {
                finding,
                recommendations,
            },
        })
    }
}

/// The note editor for one event.
#[derive(Debug, Clone)]
pub struct NoteForm {
    pub event: String,
    pub text: TextArea<'static>,
    pub dirty: bool,
    pub confirm_discard: bool,
    /// Why the last Ctrl-S did not save.
    pub error: Option<String>,
}

impl NoteForm {
    pub fn new(event: String, note: Option<&str>) -> Self {
        NoteForm {
            event,
            text: text_block(
                note.unwrap_or(""),
                "a note on this event (empty removes it)",
            ),
            dirty: false,
            confirm_discard: false,
            error: None,
        }
    }

    pub fn key(&mut self, key: KeyEvent) -> FormOutcome {
        if let Some(outcome) = answer_discard(&mut self.confirm_discard, key) {
            return outcome;
        }
        match key.code {
            KeyCode::Char('s') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                let note = text_of(&self.text);
                if let Err(e) = fits(&note, "note") {
                    self.error = Some(e);
                    return FormOutcome::Continue;
                }
                FormOutcome::Save(Edit::SetNote {
                    event: self.event.clone(),
                    note: (!note.is_empty()).then_some(note),
                })
            }
            KeyCode::Esc if self.dirty => {
                self.confirm_discard = true;
                FormOutcome::Continue
            }
            KeyCode::Esc => FormOutcome::Cancel,
            _ => {
                if self.text.input(key) {
                    self.dirty = true;
                }
                FormOutcome::Continue
            }
        }
    }
}

/// Moves the picker `value` one step through `all`; whether it moved.
fn changed<T: Copy + PartialEq>(value: &mut T, all: &[T], forward: bool) -> bool {
    let next = step(all, *value, forward);
    let moved = next != *value;
    *value = next;
    moved
}

/// While a form asks whether to discard its edits: `y` discards, any other
/// key goes back to editing. `None` when the form is not asking.
fn answer_discard(asking: &mut bool, key: KeyEvent) -> Option<FormOutcome> {
    if !*asking {
        return None;
    }
    *asking = false;
    Some(match key.code {
        KeyCode::Char('y') => FormOutcome::Cancel,
        _ => FormOutcome::Continue,
    })
}

/// The style of a focused field's label.
pub fn label_style(focused: bool) -> Style {
    if focused {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(form: &mut FindingForm, code: KeyCode) -> FormOutcome {
        form.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn ctrl(form: &mut FindingForm, c: char) -> FormOutcome {
        form.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    fn typed(form: &mut FindingForm, text: &str) {
        for c in text.chars() {
            press(form, KeyCode::Char(c));
        }
    }

    fn error(f: &FindingForm) -> &str {
        f.error.as_ref().map_or("", |e| e.message.as_str())
    }

    fn form() -> FindingForm {
        FindingForm::new_finding(
            vec!["E01".into()],
            vec!["SC-8".into()],
            Level::Unclassified,
            vec![Level::Unclassified, Level::Restricted],
        )
    }

    #[test]
    fn a_text_over_the_field_limit_is_refused_with_a_reason_not_saved() {
        let big = "x".repeat(crate::load::size::MAX_FIELD_BYTES + 1);
        let mut f = form();
        typed(&mut f, "Hotel Wi-Fi");
        f.statement = text_block(&big, "");
        assert_eq!(ctrl(&mut f, 's'), FormOutcome::Continue);
        assert_eq!(f.focus, Field::Statement);
        assert_eq!(
            f.error,
            Some(FieldError {
                field: Field::Statement,
                message: "the statement is 1048577 bytes; a text field holds at most 1048576 \
                          bytes (1 MiB) — focus moved to the statement"
                    .into()
            })
        );

        let mut note = NoteForm::new("E1".into(), Some(&big));
        let save = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(note.key(save), FormOutcome::Continue);
        assert!(
            note.error
                .as_deref()
                .is_some_and(|e| e.starts_with("the note is 1048577 bytes"))
        );
        // At the limit it saves.
        let mut note = NoteForm::new("E1".into(), Some(&big[1..]));
        assert!(matches!(note.key(save), FormOutcome::Save(_)));
    }

    #[test]
    fn starts_in_the_title_and_refuses_to_save_incomplete() {
        let mut f = form();
        assert_eq!(f.focus, Field::Title);
        assert_eq!(ctrl(&mut f, 's'), FormOutcome::Continue);
        assert_eq!(f.focus, Field::Title);
        assert!(error(&f).contains("title"));
        typed(&mut f, "Hotel Wi-Fi");
        assert_eq!(ctrl(&mut f, 's'), FormOutcome::Continue);
        assert_eq!(f.focus, Field::Statement, "the statement is missing");
    }

    #[test]
    fn a_complete_form_saves_a_finding_with_its_links_and_recommendations() {
        let mut f = form();
        typed(&mut f, "Hotel Wi-Fi");
        press(&mut f, KeyCode::Tab);
        typed(&mut f, "Evidence.");
        press(&mut f, KeyCode::Enter);
        typed(&mut f, "Judgement.");
        press(&mut f, KeyCode::Tab);
        press(&mut f, KeyCode::Left); // kind: contributing factor -> root cause
        press(&mut f, KeyCode::Tab);
        press(&mut f, KeyCode::Right); // severity: medium -> high
        // Jump to "add recommendation" and fill one in.
        while f.focus != Field::AddRec {
            press(&mut f, KeyCode::Tab);
        }
        press(&mut f, KeyCode::Enter);
        assert_eq!(f.focus, Field::Rec(0, RecField::Action));
        typed(&mut f, "Issue travel kits");
        press(&mut f, KeyCode::Tab);
        typed(&mut f, "IT security");
        press(&mut f, KeyCode::Tab);
        typed(&mut f, "2024-06-31");
        assert_eq!(ctrl(&mut f, 's'), FormOutcome::Continue);
        assert_eq!(f.focus, Field::Rec(0, RecField::Due));
        assert!(error(&f).contains("YYYY-MM-DD"));
        press(&mut f, KeyCode::Backspace);
        press(&mut f, KeyCode::Backspace);
        typed(&mut f, "30");
        press(&mut f, KeyCode::Tab);
        press(&mut f, KeyCode::Right); // status: recommended -> planned
        let FormOutcome::Save(Edit::AddFinding {
            finding,
            recommendations,
        }) = ctrl(&mut f, 's')
        else {
            panic!("expected a new finding");
        };
        assert_eq!(finding.title, "Hotel Wi-Fi");
        assert_eq!(finding.statement, "Evidence.\nJudgement.");
        assert_eq!(finding.kind, FindingKind::RootCause);
        assert_eq!(finding.severity, Severity::High);
        assert_eq!(finding.events, ["E01"]);
        assert_eq!(finding.controls, ["SC-8"]);
        assert_eq!(recommendations.len(), 1);
        let r = &recommendations[0];
        assert_eq!(r.id, None, "chosen when the edit is applied");
        assert_eq!(r.due, NaiveDate::from_ymd_opt(2024, 6, 30));
        assert_eq!(r.status, RecommendationStatus::Planned);
    }

    #[test]
    fn an_error_is_kept_with_its_field_and_says_where_the_focus_went() {
        let mut f = form();
        typed(&mut f, "Hotel Wi-Fi");
        press(&mut f, KeyCode::Tab);
        typed(&mut f, "Evidence.");
        while f.focus != Field::AddRec {
            press(&mut f, KeyCode::Tab);
        }
        press(&mut f, KeyCode::Enter);
        typed(&mut f, "Issue travel kits");
        press(&mut f, KeyCode::Tab);
        press(&mut f, KeyCode::Tab);
        typed(&mut f, "30.06.2024");
        // The analyst goes back to the title and saves from there.
        while f.focus != Field::Title {
            press(&mut f, KeyCode::BackTab);
        }
        assert_eq!(ctrl(&mut f, 's'), FormOutcome::Continue);
        let e = f.error.clone().expect("an error");
        assert_eq!(e.field, Field::Rec(0, RecField::Due));
        assert_eq!(f.focus, e.field);
        assert_eq!(
            e.message,
            "due date \"30.06.2024\" is not a date: write YYYY-MM-DD, such as 2024-06-30 \
             — focus moved to the due date of recommendation 1"
        );
        // Saving again from the field itself says nothing about focus.
        ctrl(&mut f, 's');
        assert!(!error(&f).contains("focus moved"), "{}", error(&f));
    }

    #[test]
    fn pickers_stop_at_their_ends() {
        let mut f = form();
        while f.focus != Field::Likelihood {
            press(&mut f, KeyCode::Tab);
        }
        for _ in 0..Likelihood::ALL.len() + 2 {
            press(&mut f, KeyCode::Right);
        }
        assert_eq!(f.likelihood, Likelihood::AlmostCertain);
        assert_eq!(
            has_neighbours(&Likelihood::ALL, &f.likelihood),
            (true, false)
        );
        for _ in 0..Likelihood::ALL.len() + 2 {
            press(&mut f, KeyCode::Left);
        }
        assert_eq!(
            f.likelihood,
            Likelihood::AlmostNoChance,
            "no wrapping round"
        );
        press(&mut f, KeyCode::Tab); // confidence
        for _ in 0..5 {
            press(&mut f, KeyCode::Char(' '));
        }
        assert_eq!(f.confidence, Confidence::High);
    }

    #[test]
    fn a_reopened_form_shows_one_line_fields_from_their_start() {
        let finding = Finding {
            id: "F1".into(),
            title: "A title longer than the field it is shown in, by a good margin".into(),
            statement: "Line one.\nLine two.".into(),
            kind: FindingKind::RootCause,
            severity: Severity::High,
            likelihood: Likelihood::Likely,
            confidence: Confidence::Moderate,
            events: vec![],
            controls: vec![],
            portion: Level::Unclassified,
        };
        let rec = Recommendation {
            id: "R1".into(),
            finding: "F1".into(),
            action: "Issue travel kits with a protected link to every officer who travels".into(),
            owner: "Security office".into(),
            due: NaiveDate::from_ymd_opt(2024, 6, 30),
            status: RecommendationStatus::Planned,
        };
        let f = FindingForm::edit(&finding, &[rec], vec![Level::Unclassified]);
        assert_eq!(f.title.cursor(), (0, 0));
        assert_eq!(f.recs[0].action.cursor(), (0, 0));
        assert_eq!(f.recs[0].owner.cursor(), (0, 0));
        assert_eq!(f.recs[0].due.cursor(), (0, 0));
        // A statement is written on: its cursor waits at the end.
        assert_eq!(f.statement.cursor(), (1, 9));
        assert_eq!(f.statement.lines(), ["Line one.", "Line two."]);
    }

    #[test]
    fn esc_asks_before_discarding_edits() {
        let mut f = form();
        assert_eq!(
            press(&mut f, KeyCode::Esc),
            FormOutcome::Cancel,
            "nothing to lose"
        );
        let mut f = form();
        typed(&mut f, "x");
        assert_eq!(press(&mut f, KeyCode::Esc), FormOutcome::Continue);
        assert!(f.confirm_discard);
        assert_eq!(press(&mut f, KeyCode::Char('n')), FormOutcome::Continue);
        assert!(!f.confirm_discard, "n keeps editing");
        press(&mut f, KeyCode::Esc);
        assert_eq!(press(&mut f, KeyCode::Char('y')), FormOutcome::Cancel);
    }

    #[test]
    fn warns_when_a_sentence_mixes_confidence_and_likelihood() {
        let mut f = form();
        press(&mut f, KeyCode::Tab);
        typed(&mut f, "We judge with high confidence that it was likely.");
        assert_eq!(f.icd203_warnings().len(), 1);
    }

    #[test]
    fn ctrl_d_removes_a_recommendation() {
        let mut f = form();
        while f.focus != Field::AddRec {
            press(&mut f, KeyCode::Tab);
        }
        press(&mut f, KeyCode::Enter);
        assert_eq!(f.recs.len(), 1);
        ctrl(&mut f, 'd');
        assert!(f.recs.is_empty());
        assert_eq!(f.focus, Field::AddRec);
    }

    #[test]
    fn the_note_editor_saves_or_removes_a_note() {
        let mut n = NoteForm::new("E02".into(), Some("old"));
        for _ in 0..3 {
            n.key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        }
        let out = n.key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
        assert_eq!(
            out,
            FormOutcome::Save(Edit::SetNote {
                event: "E02".into(),
                note: None
            })
        );
    }
}

/// Which part of the export dialog has the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportField {
    Format,
    Ceiling,
    Path,
}

/// The export dialog: format, classification ceiling and where to write.
#[derive(Debug, Clone)]
pub struct ExportForm {
    pub format: crate::export::Format,
    /// `None` includes everything; otherwise portions above are withheld.
    pub ceiling: Option<Level>,
    pub levels: Vec<Level>,
    pub path: TextArea<'static>,
    /// The record id, for the default file name.
    pub stem: String,
    /// The folder the proposed path is in.
    pub folder: String,
    /// The analyst typed a path: stop following the format.
    pub path_edited: bool,
    pub focus: ExportField,
}

/// What the export dialog asks for when Enter is pressed.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRequest {
    pub format: crate::export::Format,
    pub ceiling: Option<Level>,
    pub path: std::path::PathBuf,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExportOutcome {
    Continue,
    Export(ExportRequest),
    Cancel,
}

impl ExportForm {
    /// The form for the record `stem`, proposing `<folder>/<stem>.<ext>`.
    pub fn new(stem: String, levels: Vec<Level>, folder: &std::path::Path) -> Self {
        let format = crate::export::Format::Markdown;
        let folder = folder.display().to_string();
        ExportForm {
            path: path_field(
                &Self::default_path(&folder, &stem, format),
                "where to write",
            ),
            folder,
            format,
            ceiling: None,
            levels,
            stem,
            path_edited: false,
            focus: ExportField::Format,
        }
    }

    /// The ceilings to choose from: everything, then each level.
    pub fn ceilings(&self) -> Vec<Option<Level>> {
        let mut choices: Vec<Option<Level>> = vec![None];
        choices.extend(self.levels.iter().copied().map(Some));
        choices
    }

    /// `<folder>/<record id>.<ext>`, relative to where hotwash was started
    /// unless the folder is absolute (`exports` unless configured).
    pub fn default_path(folder: &str, stem: &str, format: crate::export::Format) -> String {
        let name = crate::export::default_file_name(stem, format, crate::export::Variant::Full);
        if folder.is_empty() {
            return name;
        }
        // "/" stays the root: "/taurus.html".
        format!("{}/{name}", folder.trim_end_matches('/'))
    }

    pub fn key(&mut self, key: KeyEvent) -> ExportOutcome {
        match key.code {
            KeyCode::Esc => return ExportOutcome::Cancel,
            // Ctrl-S as in the other forms; Enter as in a dialog.
            KeyCode::Char('s') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return self.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
            }
            KeyCode::Enter => {
                let path = text_of(&self.path);
                if path.is_empty() {
                    self.focus = ExportField::Path;
                    return ExportOutcome::Continue;
                }
                return ExportOutcome::Export(ExportRequest {
                    format: self.format,
                    ceiling: self.ceiling,
                    path: std::path::PathBuf::from(path),
                });
            }
            KeyCode::Tab | KeyCode::BackTab => {
                let order = [ExportField::Format, ExportField::Ceiling, ExportField::Path];
                let i = order.iter().position(|f| *f == self.focus).unwrap_or(0);
                let step = if key.code == KeyCode::Tab {
                    1
                } else {
                    order.len() - 1
                };
                self.focus = order[(i + step) % order.len()];
            }
            KeyCode::Left | KeyCode::Right | KeyCode::Char(' ')
                if self.focus != ExportField::Path =>
            {
                let forward = key.code != KeyCode::Left;
                match self.focus {
                    ExportField::Format => {
                        self.format = step(&crate::export::Format::ALL, self.format, forward);
                        if !self.path_edited {
                            self.path = path_field(
                                &Self::default_path(&self.folder, &self.stem, self.format),
                                "where to write",
                            );
                        }
                    }
                    ExportField::Ceiling => {
                        self.ceiling = step(&self.ceilings(), self.ceiling, forward);
                    }
                    ExportField::Path => {}
                }
            }
            _ if self.focus == ExportField::Path && self.path.input(key) => {
                self.path_edited = true;
            }
            _ => {}
        }
        ExportOutcome::Continue
    }
}

#[cfg(test)]
mod export_tests {
    use super::*;
    use crate::export::Format;

    fn press(f: &mut ExportForm, code: KeyCode) -> ExportOutcome {
        f.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn the_path_follows_the_format_until_edited() {
        let mut f = ExportForm::new(
            "taurus".into(),
            vec![Level::Unclassified, Level::Restricted],
            std::path::Path::new("exports"),
        );
        assert_eq!(text_of(&f.path), "exports/taurus.md");
        press(&mut f, KeyCode::Right);
        assert_eq!(f.format, Format::Html);
        assert_eq!(text_of(&f.path), "exports/taurus.html");
        press(&mut f, KeyCode::Tab);
        press(&mut f, KeyCode::Right);
        assert_eq!(f.ceiling, Some(Level::Unclassified));
        press(&mut f, KeyCode::Tab);
        press(&mut f, KeyCode::Backspace);
        press(&mut f, KeyCode::Backspace);
        press(&mut f, KeyCode::Backspace);
        press(&mut f, KeyCode::Backspace);
        f.key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE));
        assert!(f.path_edited);
        press(&mut f, KeyCode::Tab);
        press(&mut f, KeyCode::Right);
        assert_eq!(text_of(&f.path), "exports/taurus.x", "an edited path stays");
        let ExportOutcome::Export(req) = press(&mut f, KeyCode::Enter) else {
            panic!("expected an export");
        };
        assert_eq!(req.format, Format::Json);
        assert_eq!(req.ceiling, Some(Level::Unclassified));
        assert_eq!(req.path, std::path::PathBuf::from("exports/taurus.x"));
        assert_eq!(press(&mut f, KeyCode::Esc), ExportOutcome::Cancel);
    }

    #[test]
    fn the_path_is_in_the_configured_folder() {
        let path = |folder: &str| ExportForm::default_path(folder, "taurus", Format::Html);
        assert_eq!(path("/srv/reports"), "/srv/reports/taurus.html");
        assert_eq!(path("/srv/reports/"), "/srv/reports/taurus.html");
        assert_eq!(path("/"), "/taurus.html");
        assert_eq!(path(""), "taurus.html");
        assert_eq!(path("."), "./taurus.html");
    }
}
