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
            | Action::ToggleMinifiedFrames
            | Action::ToggleAbsoluteTime
            | Action::CrumbLevel
            | Action::CrumbCategory
            | Action::FindNext
            | Action::FindPrevious
            | Action::ZoomDetail
            | Action::ScrollLeft
            | Action::ScrollRight
            | Action::ShowFeedback
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
mod assign;
mod boards;
mod complete;
pub(crate) mod detail;
mod focus;
mod list;
mod overlays;
mod releases;
mod screen;
mod screens;
mod sidecar;
mod standup;
mod triage;
mod undo;

use chrono::{DateTime, Utc};

use super::action::Action;
use super::keymap::Keymap;
use super::msg::{Effect, Msg};
use super::state::State;

pub use alerts::LOG_LIMIT as ALERT_LOG_LIMIT;
pub(crate) use alerts::handles as alerts_takes;
pub use assign::picker as assign_picker;
pub use list::{first_load, list_params};
pub use overlays::palette_actions;
pub use screen::{own as screen_own, takes as screen_takes};
pub(crate) use screens::handles as stack_takes;

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
            match ctx.keymap.lookup(state.key_context(), &key) {
                Some(action) => act(state, action, ctx),
                None => Vec::new(),
            }
        }
        Msg::Mouse(mouse) => list::mouse(state, mouse),
        Msg::Resized(columns, rows) => {
            state.columns = columns;
            // Tabs, filter line, header, footer and status line take six rows.
            state.page_rows = usize::from(rows).saturating_sub(6).max(1);
            list::scroll_into_view(state);
            Vec::new()
        }
        Msg::Tick => tick(state, ctx.now),
        Msg::IssuesLoaded { req, result } => list::loaded(state, req, result, ctx.now),
        Msg::IssuesUpdated { req, result } => triage::updated(state, req, result, ctx.now),
        Msg::RestoreChecked { update, wanted, result } => {
            undo::checked(state, &update, &wanted, result, ctx.now);
            Vec::new()
        }
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
        Msg::ReleasesLoaded { req, result } => {
            releases::loaded(state, req, result, ctx.now);
            Vec::new()
        }
        Msg::CommentAdded { req, result } => detail::comment_added(state, req, result, ctx.now),
        Msg::Beside(msg) => boards::on_msg(state, msg, ctx.now),
        Msg::TransactionsLoaded { req, result } => screens::transactions_loaded(state, req, result, ctx.now),
        Msg::TransactionSeriesLoaded { req, result } => {
            screens::series_loaded(state, req, result, ctx.now);
            Vec::new()
        }
        Msg::SamplesLoaded { req, result } => {
            screens::samples_loaded(state, req, result, ctx.now);
            Vec::new()
        }
        Msg::TraceLoaded { req, result } => {
            screens::trace_loaded(state, req, result, ctx.now);
            Vec::new()
        }
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
        Msg::TagKeysLoaded { req, result } => complete::keys_loaded(state, req, result, ctx.now),
        Msg::TagValuesLoaded { tag, text, result } => complete::values_loaded(state, tag, text, result, ctx.now),
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
                    for member in &catalog.members {
                        if !state.people.iter().any(|(id, _)| *id == member.id) {
                            state.people.push((member.id.clone(), member.name.clone()));
                        }
                    }
                    state.members = catalog.members;
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
        Action::Quit => quit(state),
        Action::Suspend => vec![Effect::Suspend],
        Action::Help => {
            state.overlay = Some(super::overlay::Overlay::Help(Default::default()));
            Vec::new()
        }
        Action::CommandPalette => {
            state.overlay = Some(super::overlay::Overlay::Palette(Default::default()));
            Vec::new()
        }
        Action::Standup => {
            state.board = None;
            state.alert_screen = None;
            close_stack(state);
            standup::toggle(state, now)
        }
        Action::Releases => {
            state.board = None;
            state.alert_screen = None;
            close_stack(state);
            releases::toggle(state, now)
        }
        _ if standup::handles(state, action) => standup::act(state, action, now),
        _ if releases::handles(state, action) => releases::act(state, action, now),
        Action::Feedback | Action::Monitors => {
            state.alert_screen = None;
            close_stack(state);
            boards::toggle(state, action, now)
        }
        _ if boards::handles(state, action) => boards::act(state, action, now),
        Action::Alerts => {
            state.board = None;
            close_stack(state);
            alerts::toggle(state, now)
        }
        _ if alerts::handles(state, action) => alerts::act(state, action, now),
        Action::Performance => {
            state.screen = None;
            state.board = None;
            state.alert_screen = None;
            screens::open_performance(state, now)
        }
        _ if screens::handles(state, action) => screens::act(state, action, now),
        // Nothing else acts on the list hidden under a screen.
        _ if state.screens.showing().is_some() => {
            state.toast(super::state::ToastLevel::Info, "esc leaves this screen for the issues", now);
            Vec::new()
        }
        // Esc from an issue opened on a screen (a waterfall's error) goes back to it.
        Action::Back if state.detail.is_some() && screens::away(state) => screens::back(state, now),
        Action::OpenTrace => screens::open_event_trace(state, now),
        Action::Refresh => list::refresh(state, now),
        Action::TogglePoll => {
            state.poll.paused = !state.poll.paused;
            let text = if state.poll.paused { "polling paused" } else { "polling resumed" };
            state.toast(super::state::ToastLevel::Info, text, now);
            if state.poll.paused { Vec::new() } else { list::refresh(state, now) }
        }
        // Nothing else acts on the list hidden under a screen.
        _ if state.screen_showing() || state.alert_screen.as_ref().is_some_and(|s| s.showing()) => {
            state.toast(super::state::ToastLevel::Info, "open the issue (enter) to act on it", now);
            Vec::new()
        }
        _ if boards::showing(state) => {
            state.toast(super::state::ToastLevel::Info, "open the issue (enter) to act on it", now);
            Vec::new()
        }
        Action::Back if state.detail.is_some() && boards::away(state) => boards::back(state, now),
        Action::Back if alerts::away(state) => alerts::back(state, now),
        // The attachment keys, and the attachment pager's moves.
        _ if sidecar::handles(state, action) => sidecar::act(state, action, now),
        // Esc from what a screen opened goes back to it.
        Action::Back
            if state.list.marked.is_empty()
                && state.screen.as_ref().is_some_and(|s| s.returns_on_back(state.detail.is_some())) =>
        {
            screen::back(state, now)
        }
        // Outside its screen, `a` on the releases screen means nothing.
        Action::ReleaseAllIssues => Vec::new(),
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
        | Action::ArchiveMenu
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
        Action::NextAttachment | Action::SaveAttachment | Action::PageAttachment => sidecar::act(state, action, now),
        Action::NewRule | Action::ToggleRule | Action::TestRule => {
            state.toast(super::state::ToastLevel::Info, "open the Alerts screen (N) first", now);
            Vec::new()
        }
    }
}

/// Quits at once when nothing is pending; else asks, saying what would be lost.
fn quit(state: &mut State) -> Vec<Effect> {
    let changes = state.inflight.len();
    let comment = state.detail.as_ref().is_some_and(|d| d.comment_req.is_some());
    let mut pending = Vec::new();
    if changes > 0 {
        pending.push(triage::plural(changes as u64, "change"));
    }
    if comment {
        pending.push("a comment".to_string());
    }
    if pending.is_empty() {
        state.quit = true;
        return vec![Effect::Quit];
    }
    let verb = if changes + usize::from(comment) == 1 { "is" } else { "are" };
    let message = format!("{} {verb} still being saved. Quit anyway?", pending.join(" and "));
    let then = super::overlay::ConfirmThen::Quit;
    state.overlay = Some(super::overlay::Overlay::Confirm(super::overlay::Confirm { message, then }));
    Vec::new()
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

/// Closes the Performance screens when they show (another screen opens in their place); an issue
/// opened from them keeps them, for its way back.
fn close_stack(state: &mut State) {
    if state.screens.showing().is_some() {
        state.screens.stack.clear();
    }
}
