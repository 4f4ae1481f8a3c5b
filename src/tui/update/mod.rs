//! The reducer: `update(&mut State, Msg, &Ctx) -> Vec<Effect>`. Pure: no await, no I/O, no
//! clock (the time comes in [`Ctx`]). Keys go to the open overlay first, then through the
//! keymap to an [`Action`]; answers are applied only when their request is the one awaited.

/// The actions that only mean something in the opened issue (events, sections, frames,
/// finding), as a pattern: the reducer routes them with it, and `detail::handles` asks it.
macro_rules! detail_actions {
    () => {
        Action::OlderEvent
            | Action::NewerEvent
            | Action::LatestEvent
            | Action::OldestEvent
            | Action::RecommendedEvent
            | Action::ToggleAllFrames
            | Action::ToggleFrameOrder
            | Action::Comment
            | Action::ShowStack
            | Action::ShowBreadcrumbs
            | Action::ShowRequest
            | Action::ShowTags
            | Action::ShowContext
            | Action::ShowActivity
            | Action::ShowJson
            | Action::ToggleRawTrace
            | Action::ToggleAbsoluteTime
            | Action::CrumbLevel
            | Action::CrumbCategory
            | Action::FindNext
            | Action::FindPrevious
    };
}

/// Moving, paging, tabs and Esc: the list's keys, which the opened issue takes first.
macro_rules! moves {
    () => {
        Action::MoveDown
            | Action::MoveUp
            | Action::PageDown
            | Action::PageUp
            | Action::Top
            | Action::Bottom
            | Action::Back
            | Action::NextTab
            | Action::PrevTab
    };
}

mod alerts;
pub(crate) mod detail;
mod focus;
mod list;
mod overlays;
mod standup;
mod triage;

use chrono::{DateTime, Utc};

use super::action::Action;
use super::keymap::{Context, Keymap};
use super::msg::{Effect, Msg};
use super::state::State;

pub use alerts::LOG_LIMIT as ALERT_LOG_LIMIT;
pub use list::{first_load, list_params};
pub use overlays::palette_actions;

/// What the reducer may read besides the state.
pub struct Ctx<'a> {
    pub now: DateTime<Utc>,
    pub keymap: &'a Keymap,
}

/// Applies one message.
pub fn update(state: &mut State, msg: Msg, ctx: &Ctx<'_>) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => {
            if state.overlay.is_some() {
                return overlays::key(state, key, ctx);
            }
            if alerts::takes_keys(state) {
                return alerts::key(state, key, ctx.now);
            }
            let context = match &state.alert_screen {
                _ if state.detail.is_some() => Context::Detail,
                Some(screen) if screen.showing() => Context::Alerts,
                _ => Context::List,
            };
            match ctx.keymap.lookup(context, &key) {
                Some(action) => act(state, action, ctx),
                None => Vec::new(),
            }
        }
        Msg::Mouse(mouse) => list::mouse(state, mouse),
        Msg::Resized(_, rows) => {
            // Tabs, filter line, header, footer and status line take six rows.
            state.page_rows = usize::from(rows).saturating_sub(6).max(1);
            list::scroll_into_view(state);
            Vec::new()
        }
        Msg::Tick => tick(state, ctx.now),
        Msg::IssuesLoaded { req, result } => list::loaded(state, req, result, ctx.now),
        Msg::IssuesUpdated { req, result } => triage::updated(state, req, result, ctx.now),
        Msg::EventLoaded { req, result } => detail::loaded(state, req, result, ctx.now),
        Msg::EventPrefetched { issue_id, result } => detail::prefetched(state, &issue_id, result),
        Msg::ActivityLoaded { issue_id, result } => detail::activity_loaded(state, &issue_id, result, ctx.now),
        Msg::EventPositioned { issue_id, event_id, result } => {
            detail::positioned(state, &issue_id, &event_id, result);
            Vec::new()
        }
        Msg::IssueLoaded { issue_id, result } => {
            // Only the header's releases come from here; a failure leaves them out.
            if let (Some(detail), Ok(issue)) = (state.detail.as_mut().filter(|d| d.issue_id == issue_id), result) {
                detail.issue = Some(*issue);
            }
            Vec::new()
        }
        Msg::DigestLoaded { req, result } => {
            standup::loaded(state, req, result, ctx.now);
            Vec::new()
        }
        Msg::CommentAdded { req, result } => detail::comment_added(state, req, result, ctx.now),
        Msg::IssueTagsLoaded { issue_id, result } => {
            if let Some(detail) = state.detail.as_mut().filter(|d| d.issue_id == issue_id) {
                detail.tags = match result {
                    Ok(tags) => super::state::Load::Ready(tags),
                    Err(error) => super::state::Load::Failed(super::state::Failure {
                        message: super::state::describe(&error),
                        at: ctx.now,
                    }),
                };
            }
            Vec::new()
        }
        Msg::Highlighted { key, lines } => {
            if let Some(detail) = state.detail.as_mut() {
                detail.highlighted.insert(key, lines);
            }
            Vec::new()
        }
        Msg::AlertsLoaded { req, result } => {
            alerts::loaded(state, req, result, ctx.now);
            Vec::new()
        }
        Msg::RuleSaved { req, result } => alerts::saved(state, req, result, ctx.now),
        Msg::RuleTested { req, result } => alerts::tested(state, req, result, ctx.now),
        Msg::FiringsPolled { result } => alerts::firings_polled(state, result),
        Msg::CatalogLoaded { result } => {
            match result {
                Ok(catalog) => {
                    state.environments = catalog.environments;
                    state.projects = catalog.projects;
                    if let Some(me) = catalog.me {
                        if !state.people.iter().any(|(id, _)| *id == me.0) {
                            state.people.insert(0, me.clone());
                        }
                        state.me = Some(me);
                    }
                    overlays::refresh_picker(state);
                }
                Err(error) => tracing::debug!(%error, "catalogue unavailable; pickers stay empty"),
            }
            Vec::new()
        }
    }
}

/// Runs an action in the current state.
pub fn act(state: &mut State, action: Action, ctx: &Ctx<'_>) -> Vec<Effect> {
    let now = ctx.now;
    if state.readonly && action.changes_issues() {
        let text = format!("read-only console: {} is off (--readonly)", action.name().replace('_', " "));
        state.toast(super::state::ToastLevel::Info, text, now);
        return Vec::new();
    }
    match action {
        Action::Quit => {
            state.quit = true;
            vec![Effect::Quit]
        }
        Action::Suspend => vec![Effect::Suspend],
        Action::Help => {
            state.overlay = Some(super::overlay::Overlay::Help);
            Vec::new()
        }
        Action::CommandPalette => {
            state.overlay = Some(super::overlay::Overlay::Palette(Default::default()));
            Vec::new()
        }
        Action::Standup => {
            state.alert_screen = None;
            standup::toggle(state, now)
        }
        _ if standup::handles(state, action) => standup::act(state, action, now),
        Action::Alerts => alerts::toggle(state, now),
        _ if alerts::handles(state, action) => alerts::act(state, action, now),
        Action::Refresh => list::refresh(state, now),
        Action::TogglePoll => {
            state.poll.paused = !state.poll.paused;
            let text = if state.poll.paused { "polling paused" } else { "polling resumed" };
            state.toast(super::state::ToastLevel::Info, text, now);
            if state.poll.paused { Vec::new() } else { list::refresh(state, now) }
        }
        // Nothing else acts on the list hidden under the standup or Alerts screen.
        _ if state.standup.as_ref().is_some_and(|s| s.showing())
            || state.alert_screen.as_ref().is_some_and(|s| s.showing()) =>
        {
            state.toast(super::state::ToastLevel::Info, "open the issue (enter) to act on it", now);
            Vec::new()
        }
        // Esc from an issue opened on the standup screen goes back to it.
        Action::Back if state.detail.is_some() && state.standup.as_ref().is_some_and(|s| s.away.is_some()) => {
            standup::back(state, now)
        }
        Action::Back if alerts::away(state) => alerts::back(state, now),
        // The opened issue takes navigation, sections and events first.
        _ if detail::handles(state, action) => detail::act(state, action, now),
        Action::Open => detail::open(state, now),
        detail_actions!() => detail::act(state, action, now),
        moves!()
        | Action::CycleSort
        | Action::ToggleStatsPeriod
        | Action::ToggleSelect
        | Action::SelectRange
        | Action::SelectAll => list::act(state, action, now),
        Action::Search
        | Action::PickEnvironment
        | Action::PickProject
        | Action::IgnoreMenu
        | Action::PriorityMenu
        | Action::Assign
        | Action::CopyMenu => overlays::open(state, action, now),
        Action::Resolve
        | Action::ResolveNextRelease
        | Action::Unresolve
        | Action::AssignMe
        | Action::Unassign
        | Action::Bookmark
        | Action::MarkReviewed
        | Action::Undo
        | Action::CopyShortId
        | Action::OpenInBrowser => triage::act(state, action, now),
        Action::NewRule | Action::ToggleRule | Action::TestRule => {
            state.toast(super::state::ToastLevel::Info, "open the Alerts screen (!) first", now);
            Vec::new()
        }
    }
}

/// Time passed: expire toasts, poll when due.
fn tick(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    state.toasts.retain(|t| t.until > now);
    let mut effects = alerts::tick(state, now);
    if state.poll.paused || state.list.fetch.is_some() || now < state.poll.next_due {
        return effects;
    }
    effects.extend(list::refresh(state, now));
    effects.extend(alerts::poll_firings(state));
    effects
}

#[cfg(test)]
mod tests;
