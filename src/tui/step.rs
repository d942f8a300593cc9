//! `n`/`N`: through search matches while a search is active, otherwise
//! through events with a control failure. Both stay within a control
//! filter, and both wrap around at the ends, saying so: stepping past the
//! last one is never silent.

use super::app::ReviewScreen;

/// Moves the selection to the next (or previous) match or failure; the
/// message says when it wrapped around, or why it could not move.
pub fn step(r: &mut ReviewScreen, forward: bool) -> Option<String> {
    let (what, targets): (&str, Vec<usize>) = match &r.search {
        Some(search) => (
            "match",
            search
                .matches
                .iter()
                .filter_map(|&p| r.rows.row_of(p))
                .collect(),
        ),
        None => (
            "failure",
            (0..r.rows.len())
                .filter(|&row| {
                    r.rows
                        .position(row)
                        .is_some_and(|p| r.bundle.has_failure.get(p) == Some(&true))
                })
                .collect(),
        ),
    };
    let (Some(&first), Some(&last)) = (targets.first(), targets.last()) else {
        return Some(match &r.search {
            Some(s) => format!("no event shown matches {:?}", s.query),
            None => "no event shown has a control failure".to_string(),
        });
    };
    let here = r.selected;
    let next = if forward {
        targets.iter().find(|&&row| row > here)
    } else {
        targets.iter().rev().find(|&&row| row < here)
    };
    if let Some(&row) = next {
        r.selected = row;
        return None;
    }
    let wrapped = if forward { first } else { last };
    r.selected = wrapped;
    let id = r.event_id().unwrap_or("?").to_string();
    Some(if targets.len() == 1 {
        format!("{id} is the only {what}")
    } else if forward {
        format!("last {what}; wrapped to the first ({id})")
    } else {
        format!("first {what}; wrapped to the last ({id})")
    })
}
