//! The assign picker (`a`): the token's user first, then the organization's members (from the
//! members endpoint, else the assignees seen in the list), then "unassigned"; typing narrows
//! them, Enter assigns. Text that matches no member is refused with the members' names when
//! the server listed them, and sent as a username or e-mail for the server to judge when it
//! did not.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::super::msg::Effect;
use super::super::overlay::{Choice, Overlay};
use super::super::picker::{PickItem, Picker};
use super::super::state::State;
use super::triage;
use crate::api::{AssignTarget, IssueUpdate};
use crate::tui::sanitize::one_line;

/// Members named in a refusal at most.
const NAMED: usize = 8;

/// The picker, over everyone this console knows.
pub fn picker(state: &State) -> Picker {
    let mut items = Vec::new();
    if let Some((id, name)) = &state.me {
        items.push(PickItem {
            label: format!("me ({})", one_line(name)),
            detail: detail_of(state, id),
            choice: Choice::AssignTo(Some(id.clone())),
        });
    }
    for (id, name) in state.people.iter().filter(|(id, _)| state.me.as_ref().is_none_or(|m| m.0 != *id)) {
        items.push(PickItem {
            label: one_line(name),
            detail: detail_of(state, id),
            choice: Choice::AssignTo(Some(id.clone())),
        });
    }
    items.push(PickItem {
        label: "unassigned".into(),
        detail: "remove the assignee".into(),
        choice: Choice::AssignTo(None),
    });
    Picker::new("Assign to (type to filter)", items)
}

fn detail_of(state: &State, id: &str) -> String {
    state
        .members
        .iter()
        .find(|m| m.id == id)
        .map(|m| {
            [m.username.as_deref(), m.email.as_deref()]
                .into_iter()
                .flatten()
                .map(one_line)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// A key while the picker is open.
pub fn key(state: &mut State, mut picker: Picker, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => return Vec::new(),
        KeyCode::Down | KeyCode::Tab => picker.down(),
        KeyCode::Char('n') if ctrl => picker.down(),
        KeyCode::Up | KeyCode::BackTab => picker.up(),
        KeyCode::Char('p') if ctrl => picker.up(),
        KeyCode::Enter => {
            if let Some(item) = picker.chosen() {
                return super::overlays::choose(state, item.choice.clone(), now);
            }
            let text = picker.input.text.trim().to_string();
            if !state.members.is_empty() || text.is_empty() {
                let names: Vec<String> = state
                    .members
                    .iter()
                    .take(NAMED)
                    .map(|m| match &m.username {
                        Some(user) if *user != m.name => format!("{} ({})", one_line(&m.name), one_line(user)),
                        _ => one_line(&m.name),
                    })
                    .collect();
                let more = state.members.len().saturating_sub(NAMED);
                let more = if more > 0 { format!(" and {more} more") } else { String::new() };
                picker.error = Some(if names.is_empty() {
                    "type a username or e-mail".into()
                } else {
                    format!("no member matches {:?}; members: {}{more}", one_line(&text), names.join(", "))
                });
                state.overlay = Some(Overlay::Picker(picker));
                return Vec::new();
            }
            // The server did not list its members: it judges the name.
            let name = one_line(&text);
            let update = IssueUpdate::assign(AssignTarget::Name(text));
            return triage::change(
                state,
                &format!("assign to {name}"),
                &format!("assigned {{}} to {name}"),
                update,
                now,
            );
        }
        _ => {
            if super::overlays::edit(&mut picker.input, &key) {
                picker.selected = 0;
                picker.error = None;
            }
        }
    }
    state.overlay = Some(Overlay::Picker(picker));
    Vec::new()
}
