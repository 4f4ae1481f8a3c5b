//! The opened issue's feedback and attachments: loading them (when the issue opens, and when
//! an event is shown), choosing an attachment, saving it (the path is asked; the current
//! directory is the default) and paging a text one inside the console, sanitised.

use chrono::{DateTime, Utc};

use super::super::action::Action;
use super::super::msg::{BesideEffect, BesideMsg, Effect};
use super::super::overlay::{Overlay, Prompt, PromptKind};
use super::super::sanitize::one_line;
use super::super::sidecar::Pager;
use super::super::state::{Failure, Load, State, ToastLevel, describe};

/// What opening an issue asks for here.
pub fn on_open(issue_id: &str) -> Vec<Effect> {
    vec![Effect::Beside(BesideEffect::FetchIssueFeedback { issue_id: issue_id.to_string() })]
}

/// The project slug of the opened issue.
fn project(state: &State) -> Option<String> {
    let detail = state.detail.as_ref()?;
    state.list.rows().iter().find(|r| r.issue.id == detail.issue_id).map(|r| r.issue.project.slug.clone())
}

/// After an event is shown: its attachments, unless they are the ones listed. Until they
/// arrive the list is `Idle` (the view shows nothing for it).
pub fn on_event(state: &mut State) -> Vec<Effect> {
    let project = project(state);
    let Some(detail) = state.detail.as_mut() else { return Vec::new() };
    let Some(event_id) = detail.event.ready().map(|e| e.event_id.clone()) else { return Vec::new() };
    let sidecar = &mut detail.sidecar;
    if sidecar.attachments_of.as_deref() == Some(event_id.as_str()) {
        return Vec::new();
    }
    sidecar.attachments_of = Some(event_id.clone());
    sidecar.selected = 0;
    sidecar.pager = None;
    match project {
        Some(project) if !project.is_empty() => {
            sidecar.attachments = Load::Idle;
            vec![Effect::Beside(BesideEffect::FetchAttachments { project, event_id })]
        }
        _ => {
            sidecar.attachments = Load::Ready(Vec::new());
            Vec::new()
        }
    }
}

/// Whether this module takes `action` now: the attachment keys, and every move while the
/// pager is open.
pub fn handles(state: &State, action: Action) -> bool {
    let Some(detail) = state.detail.as_ref() else { return false };
    matches!(action, Action::NextAttachment | Action::SaveAttachment | Action::PageAttachment)
        || (detail.sidecar.pager.is_some() && matches!(action, moves!()))
}

pub fn act(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let page = state.page_rows.max(1);
    let project = project(state);
    let Some(detail) = state.detail.as_mut() else { return Vec::new() };
    let sidecar = &mut detail.sidecar;
    if let Some(pager) = sidecar.pager.as_mut() {
        let last = pager.lines.len().saturating_sub(1);
        match action {
            Action::MoveDown => pager.scroll = (pager.scroll + 1).min(last),
            Action::MoveUp => pager.scroll = pager.scroll.saturating_sub(1),
            Action::PageDown => pager.scroll = (pager.scroll + page).min(last),
            Action::PageUp => pager.scroll = pager.scroll.saturating_sub(page),
            Action::Top => pager.scroll = 0,
            Action::Bottom => pager.scroll = last,
            Action::Back | Action::PageAttachment => sidecar.pager = None,
            _ => {}
        }
        if matches!(action, moves!() | Action::PageAttachment) {
            return Vec::new();
        }
    }
    let count = sidecar.attachments.ready().map_or(0, Vec::len);
    let Some(current) = sidecar.current().cloned() else {
        let text = match &sidecar.attachments {
            Load::Idle | Load::Loading { .. } => "the attachments are still loading",
            Load::Failed(_) => "the attachments could not be listed",
            _ => "this event has no attachments",
        };
        state.toast(ToastLevel::Info, text, now);
        return Vec::new();
    };
    let event_id = sidecar.attachments_of.clone().unwrap_or_default();
    match action {
        Action::NextAttachment => {
            sidecar.selected = (sidecar.selected + 1) % count.max(1);
            Vec::new()
        }
        Action::SaveAttachment => {
            state.overlay = Some(Overlay::Prompt(Prompt::new(PromptKind::SaveAttachment, "./")));
            Vec::new()
        }
        Action::PageAttachment if !current.is_text() => {
            let text = format!(
                "{} is not text ({}): save it with the save key instead",
                one_line(&current.name),
                one_line(&current.mimetype)
            );
            state.toast(ToastLevel::Info, text, now);
            Vec::new()
        }
        Action::PageAttachment => {
            let Some(project) = project else { return Vec::new() };
            let req = state.request();
            if let Some(detail) = state.detail.as_mut() {
                detail.sidecar.transfer = Some(req);
            }
            vec![Effect::Beside(BesideEffect::ReadAttachment { req, project, event_id, attachment_id: current.id })]
        }
        _ => Vec::new(),
    }
}

/// The save prompt's answer: where to write the selected attachment.
pub fn save(state: &mut State, to: String) -> Vec<Effect> {
    let project = project(state).unwrap_or_default();
    let req = state.request();
    let Some(detail) = state.detail.as_mut() else { return Vec::new() };
    let Some(current) = detail.sidecar.current().cloned() else { return Vec::new() };
    detail.sidecar.transfer = Some(req);
    let event_id = detail.sidecar.attachments_of.clone().unwrap_or_default();
    let to = if to.trim().is_empty() { "./".to_string() } else { to };
    vec![Effect::Beside(BesideEffect::SaveAttachment {
        req,
        project,
        event_id,
        attachment_id: current.id,
        name: current.name,
        to,
    })]
}

/// An answer for the opened issue.
pub fn on_msg(state: &mut State, msg: BesideMsg, now: DateTime<Utc>) {
    let Some(detail) = state.detail.as_mut() else { return };
    let sidecar = &mut detail.sidecar;
    let toast = match msg {
        BesideMsg::IssueFeedbackLoaded { issue_id, result } if issue_id == detail.issue_id => {
            sidecar.feedback = match result {
                Ok(feedback) => Load::Ready(feedback),
                Err(error) => Load::Failed(Failure { message: describe(&error), at: now }),
            };
            None
        }
        BesideMsg::AttachmentsLoaded { event_id, result } if sidecar.attachments_of.as_deref() == Some(&event_id) => {
            sidecar.attachments = match result {
                Ok(found) => Load::Ready(found),
                Err(error) => Load::Failed(Failure { message: describe(&error), at: now }),
            };
            None
        }
        BesideMsg::AttachmentSaved { req, result } if sidecar.transfer == Some(req) => {
            sidecar.transfer = None;
            Some(match result {
                Ok(path) => (ToastLevel::Info, format!("saved {}", one_line(&path))),
                Err(why) => (ToastLevel::Error, one_line(&why)),
            })
        }
        BesideMsg::AttachmentRead { req, result } if sidecar.transfer == Some(req) => {
            sidecar.transfer = None;
            match result {
                Ok(bytes) => {
                    let name = sidecar.current().map(|a| a.name.clone()).unwrap_or_default();
                    sidecar.pager = Some(Pager::new(&name, &bytes));
                    None
                }
                Err(error) => Some((ToastLevel::Error, format!("attachment: {}", describe(&error)))),
            }
        }
        other => {
            tracing::debug!(?other, "dropping an answer the opened issue no longer waits for");
            None
        }
    };
    if let Some((level, text)) = toast {
        state.toast(level, text, now);
    }
}
