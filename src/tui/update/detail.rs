//! The opened issue's reducer: loading the recommended event, stepping to older and newer
//! events (instantly when prefetched; neighbours are always fetched ahead), the frame cursor,
//! sections and the stack-trace toggles.

use chrono::{DateTime, Utc};

use super::super::action::Action;
use super::super::detail::{Detail, EventPick, Section, crumb_categories, frame_key, shown_breadcrumbs, shown_frames};
use super::super::msg::Effect;
use super::super::state::{Failure, Load, ReqId, State, ToastLevel, describe};
use crate::api::Error;
use crate::api::models::Event;

/// Opens the cursor's issue on its recommended event.
pub fn open(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(id) = state.list.current().map(|r| r.issue.id.clone()) else {
        return Vec::new();
    };
    state.detail = Some(Detail::new(id.clone()));
    let mut effects = load(state, EventPick::Recommended, None, now);
    effects.push(Effect::FetchIssueTags { issue_id: id.clone(), environments: environments(state) });
    effects.push(Effect::FetchActivity { issue_id: id.clone() });
    effects.extend(super::sidecar::on_open(&id));
    effects.push(Effect::FetchIssue { issue_id: id });
    effects
}

/// The opened issue's event count (what "event 3 of N" counts against).
fn total(state: &State) -> Option<u64> {
    let id = &state.detail.as_ref()?.issue_id;
    state.list.rows().iter().find(|r| &r.issue.id == id).map(|r| r.issue.count)
}

fn environments(state: &State) -> Vec<String> {
    state.list.environment.iter().cloned().collect()
}

/// Shows `pick`: at once when it was prefetched, else after asking the server. `position` is
/// where the picked event stands, when the step makes that plain (oldest, latest, one over).
fn load(state: &mut State, pick: EventPick, position: Option<u64>, now: DateTime<Utc>) -> Vec<Effect> {
    let req = state.request();
    let environments = environments(state);
    let Some(detail) = state.detail.as_mut() else {
        return Vec::new();
    };
    detail.position_hint = position;
    if let EventPick::Id(id) = &pick
        && let Some(event) = detail.prefetched.get(id).cloned()
    {
        detail.pick = Some(pick);
        detail.req = None;
        return show(state, event);
    }
    detail.pick = Some(pick.clone());
    detail.req = Some(req);
    detail.event = Load::Loading { since: now };
    vec![Effect::FetchEvent { req: Some(req), issue_id: detail.issue_id.clone(), pick, environments }]
}

/// Puts `event` on screen and fetches its neighbours ahead.
fn show(state: &mut State, event: Event) -> Vec<Effect> {
    let environments = environments(state);
    let Some(detail) = state.detail.as_mut() else {
        return Vec::new();
    };
    let neighbours: Vec<String> = [&event.previous_event_id, &event.next_event_id]
        .into_iter()
        .flatten()
        .filter(|id| !detail.prefetched.contains_key(*id))
        .cloned()
        .collect();
    detail.prefetched.insert(event.event_id.clone(), event.clone());
    detail.set_json(&event);
    detail.position = detail.position_hint.take();
    let ask_position = match (detail.position, event.date_created) {
        (None, Some(at)) => Some(Effect::FetchEventPosition {
            issue_id: detail.issue_id.clone(),
            event_id: event.event_id.clone(),
            at,
            environments: environments.clone(),
        }),
        _ => None,
    };
    detail.event = Load::Ready(event);
    detail.frame = 0;
    detail.scrolls = Default::default();
    detail.crumb = 0;
    detail.crumb_open = None;
    detail.hscroll = 0;
    let issue_id = detail.issue_id.clone();
    let mut effects: Vec<Effect> = ask_position.into_iter().collect();
    effects.extend(neighbours.into_iter().map(|id| Effect::FetchEvent {
        req: None,
        issue_id: issue_id.clone(),
        pick: EventPick::Id(id),
        environments: environments.clone(),
    }));
    effects.extend(highlight_selected(state));
    effects.extend(super::sidecar::on_event(state));
    effects
}

/// The server counted where an event stands.
pub fn positioned(state: &mut State, issue_id: &str, event_id: &str, result: Result<Option<u64>, Error>) {
    let Some(detail) = state.detail.as_mut().filter(|d| d.issue_id == issue_id) else {
        return;
    };
    if detail.event.ready().is_some_and(|e| e.event_id == event_id)
        && let Ok(position) = result
    {
        detail.position = position;
    }
}

/// Asks for the selected frame's source context to be highlighted, unless it already is.
pub fn highlight_selected(state: &State) -> Vec<Effect> {
    let Some(detail) = state.detail.as_ref() else {
        return Vec::new();
    };
    let Some(event) = detail.event.ready() else {
        return Vec::new();
    };
    let frames = shown_frames(event, detail.newest_first, detail.all_frames, detail.minified);
    let Some(frame) = frames.get(detail.frame) else {
        return Vec::new();
    };
    let key = frame_key(frame);
    if frame.context.is_empty() || detail.highlighted.contains_key(&key) {
        return Vec::new();
    }
    let platform = frame.platform.as_deref().or(event.platform.as_deref());
    let language =
        crate::highlight::Language::detect(frame.filename.as_deref().or(frame.abs_path.as_deref()), platform);
    vec![Effect::Highlight { key, language, lines: frame.context.iter().map(|c| c.text.clone()).collect() }]
}

/// The answer for the event on screen.
pub fn loaded(state: &mut State, req: ReqId, result: Result<Event, Error>, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(detail) = state.detail.as_mut() else {
        return Vec::new();
    };
    if detail.req != Some(req) {
        tracing::debug!(req, "dropping a stale event answer");
        return Vec::new();
    }
    detail.req = None;
    match result {
        Ok(event) => show(state, event),
        Err(error) => {
            detail.event = Load::Failed(Failure { message: describe(&error), at: now });
            Vec::new()
        }
    }
}

/// The activity log arrived.
pub fn activity_loaded(
    state: &mut State,
    issue_id: &str,
    result: Result<Vec<crate::api::models::Activity>, Error>,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    if let Some(detail) = state.detail.as_mut().filter(|d| d.issue_id == issue_id) {
        detail.activity = match result {
            Ok(activity) => Load::Ready(activity),
            Err(error) => Load::Failed(Failure { message: describe(&error), at: now }),
        };
    }
    Vec::new()
}

/// Saves a comment on the opened issue.
pub fn comment(state: &mut State, text: String) -> Vec<Effect> {
    let req = state.request();
    let Some(detail) = state.detail.as_mut() else {
        return Vec::new();
    };
    detail.comment_req = Some(req);
    vec![Effect::AddComment { req, issue_id: detail.issue_id.clone(), text }]
}

/// The server answered a comment: reload the activity, or say why it failed.
pub fn comment_added(state: &mut State, req: ReqId, result: Result<(), Error>, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(detail) = state.detail.as_mut().filter(|d| d.comment_req == Some(req)) else {
        return Vec::new();
    };
    detail.comment_req = None;
    let issue_id = detail.issue_id.clone();
    match result {
        Ok(()) => {
            detail.section = super::super::detail::Section::Activity;
            state.toast(ToastLevel::Info, "comment saved", now);
            vec![Effect::FetchActivity { issue_id }]
        }
        Err(error) => {
            state.toast(ToastLevel::Error, format!("comment failed: {}", describe(&error)), now);
            Vec::new()
        }
    }
}

/// A neighbour fetched ahead arrived.
pub fn prefetched(state: &mut State, issue_id: &str, result: Result<Event, Error>) -> Vec<Effect> {
    if let (Some(detail), Ok(event)) = (state.detail.as_mut(), result)
        && detail.issue_id == issue_id
    {
        detail.prefetched.insert(event.event_id.clone(), event);
    }
    Vec::new()
}

fn frames_len(detail: &Detail) -> usize {
    detail.event.ready().map_or(0, |e| shown_frames(e, detail.newest_first, detail.all_frames, detail.minified).len())
}

/// Whether the opened issue takes `action` before the list: its own actions, moving and
/// paging, tabs, Enter and Esc. `/` finds within the breadcrumbs and the JSON; elsewhere it
/// searches the list.
pub fn handles(state: &State, action: Action) -> bool {
    let Some(detail) = state.detail.as_ref() else {
        return false;
    };
    match action {
        Action::Search => matches!(detail.section, Section::Breadcrumbs | Section::Json),
        moves!() | Action::Open => true,
        _ => matches!(action, detail_actions!()),
    }
}

/// The find prompt's answer: filters the breadcrumbs, or jumps to the first JSON match.
pub fn find(state: &mut State, text: String, now: DateTime<Utc>) {
    let Some(detail) = state.detail.as_mut() else {
        return;
    };
    if detail.section == Section::Breadcrumbs {
        detail.crumbs.text = text;
        *detail.scroll_mut() = 0;
        (detail.crumb, detail.crumb_open) = (0, None);
        return;
    }
    detail.find_in_json(text);
    match detail.json_hits.first().copied() {
        Some(line) => *detail.scroll_mut() = line.saturating_sub(3),
        None if !detail.json_find.is_empty() => {
            let message = format!("no match for {:?}", detail.json_find);
            state.toast(ToastLevel::Info, message, now);
        }
        None => {}
    }
}

/// Keys on the detail screen (nothing without an opened issue); a newly selected frame gets its source highlighted.
pub fn act(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let mut effects = act_inner(state, action, now);
    effects.extend(highlight_selected(state));
    effects
}

fn act_inner(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let page = state.page_rows.max(1);
    let Some(detail) = state.detail.as_mut() else {
        return Vec::new();
    };
    // The frame cursor moves in the stack; everywhere else (and in the plain-text trace) lines scroll.
    let stack = detail.section == Section::Stack && !detail.raw_trace;
    let last_line = detail.section_len().saturating_sub(1);
    if detail.section == Section::Tags {
        let values = detail.tags.ready().map_or(0, |t| super::super::detail::tag_values(t).len());
        match action {
            Action::MoveDown => {
                detail.tag_cursor = (detail.tag_cursor + 1).min(values.saturating_sub(1));
                return Vec::new();
            }
            Action::MoveUp => {
                detail.tag_cursor = detail.tag_cursor.saturating_sub(1);
                return Vec::new();
            }
            Action::Open => {
                // Enter on a value: the list, filtered by it.
                let chosen = detail.tags.ready().and_then(|t| {
                    super::super::detail::tag_values(t)
                        .get(detail.tag_cursor)
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                });
                if let Some((key, value)) = chosen {
                    state.detail = None;
                    // The environment and project have filters of their own, shown in the
                    // header; other tags become the search.
                    let project = state.projects.iter().find(|(_, slug)| *slug == value).cloned();
                    match (key.as_str(), project) {
                        ("environment", _) => state.list.environment = Some(value),
                        ("project", Some(project)) => state.list.project = Some(project),
                        _ => {
                            let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
                            state.list.query = format!("{key}:\"{escaped}\"");
                        }
                    }
                    return super::list::reload(state, now);
                }
                return Vec::new();
            }
            _ => {}
        }
    }
    if detail.section == Section::Breadcrumbs && crumb_key(detail, action, page) {
        return Vec::new();
    }
    if let Some(section) = Section::for_action(action) {
        detail.section = section;
        return Vec::new();
    }
    let last = frames_len(detail).saturating_sub(1);
    match action {
        Action::Back => {
            state.detail = None;
            Vec::new()
        }
        Action::MoveDown if stack => {
            detail.frame = (detail.frame + 1).min(last);
            Vec::new()
        }
        Action::MoveUp if stack => {
            detail.frame = detail.frame.saturating_sub(1);
            Vec::new()
        }
        Action::Top if stack => {
            detail.frame = 0;
            Vec::new()
        }
        Action::Bottom if stack => {
            detail.frame = last;
            Vec::new()
        }
        Action::MoveDown | Action::PageDown => {
            let step = if action == Action::MoveDown { 1 } else { page };
            let scroll = detail.scroll_mut();
            *scroll = (*scroll + step).min(last_line);
            Vec::new()
        }
        Action::MoveUp | Action::PageUp => {
            let step = if action == Action::MoveUp { 1 } else { page };
            let scroll = detail.scroll_mut();
            *scroll = scroll.saturating_sub(step);
            Vec::new()
        }
        Action::Top => {
            *detail.scroll_mut() = 0;
            Vec::new()
        }
        Action::Bottom => {
            *detail.scroll_mut() = last_line.saturating_sub(page / 2);
            Vec::new()
        }
        Action::NextTab | Action::PrevTab => {
            detail.section = detail.section.step(action == Action::NextTab);
            Vec::new()
        }
        Action::ToggleRawTrace => {
            detail.section = Section::Stack;
            detail.raw_trace = !detail.raw_trace;
            *detail.scroll_mut() = 0;
            Vec::new()
        }
        Action::ToggleMinifiedFrames => {
            detail.section = Section::Stack;
            detail.raw_trace = false;
            detail.minified = !detail.minified;
            let shown = detail
                .event
                .ready()
                .map_or(0, |e| shown_frames(e, detail.newest_first, detail.all_frames, detail.minified).len());
            detail.frame = detail.frame.min(shown.saturating_sub(1));
            Vec::new()
        }
        Action::ToggleAbsoluteTime => {
            detail.section = Section::Breadcrumbs;
            detail.absolute_time = !detail.absolute_time;
            Vec::new()
        }
        Action::CrumbLevel => {
            detail.section = Section::Breadcrumbs;
            // All, then info and worse, warning and worse, error and worse.
            detail.crumbs.min_level = (detail.crumbs.min_level + 1) % 4;
            *detail.scroll_mut() = 0;
            (detail.crumb, detail.crumb_open) = (0, None);
            Vec::new()
        }
        Action::CrumbCategory => {
            detail.section = Section::Breadcrumbs;
            let categories = detail.event.ready().map(crumb_categories).unwrap_or_default();
            let next = match &detail.crumbs.category {
                None => categories.first().cloned(),
                Some(current) => {
                    categories.iter().position(|c| c == current).and_then(|i| categories.get(i + 1)).cloned()
                }
            };
            detail.crumbs.category = next;
            *detail.scroll_mut() = 0;
            (detail.crumb, detail.crumb_open) = (0, None);
            Vec::new()
        }
        Action::Search => {
            let (kind, text) = if detail.section == Section::Breadcrumbs {
                (super::super::overlay::PromptKind::FindCrumbs, detail.crumbs.text.clone())
            } else {
                (super::super::overlay::PromptKind::FindJson, detail.json_find.clone())
            };
            state.overlay =
                Some(super::super::overlay::Overlay::Prompt(super::super::overlay::Prompt::new(kind, &text)));
            Vec::new()
        }
        Action::FindNext | Action::FindPrevious => {
            let n = detail.json_hits.len();
            if n == 0 {
                state.toast(ToastLevel::Info, "nothing to find: / finds text in the JSON", now);
                return Vec::new();
            }
            detail.section = Section::Json;
            detail.json_match =
                if action == Action::FindNext { (detail.json_match + 1) % n } else { (detail.json_match + n - 1) % n };
            *detail.scroll_mut() = detail.json_hits[detail.json_match].saturating_sub(3);
            Vec::new()
        }
        Action::ToggleAllFrames => {
            detail.all_frames = !detail.all_frames;
            detail.frame = 0;
            Vec::new()
        }
        Action::ToggleFrameOrder => {
            detail.newest_first = !detail.newest_first;
            detail.frame = 0;
            Vec::new()
        }
        Action::OlderEvent | Action::NewerEvent => {
            let event = detail.event.ready();
            let target = if action == Action::OlderEvent {
                event.and_then(|e| e.previous_event_id.clone())
            } else {
                event.and_then(|e| e.next_event_id.clone())
            };
            let position =
                detail.position.map(|p| if action == Action::OlderEvent { p.saturating_sub(1) } else { p + 1 });
            match target {
                Some(id) => load(state, EventPick::Id(id), position.filter(|p| *p > 0), now),
                None => {
                    let which = if action == Action::OlderEvent { "the oldest" } else { "the latest" };
                    state.toast(ToastLevel::Info, format!("this is {which} event"), now);
                    Vec::new()
                }
            }
        }
        Action::Comment => {
            let prompt = super::super::overlay::Prompt::new(super::super::overlay::PromptKind::Comment, "");
            state.overlay = Some(super::super::overlay::Overlay::Prompt(prompt));
            Vec::new()
        }
        Action::ZoomDetail => {
            detail.zoomed = !detail.zoomed;
            Vec::new()
        }
        Action::ScrollLeft => {
            detail.hscroll = detail.hscroll.saturating_sub(super::super::detail::HSCROLL_STEP);
            Vec::new()
        }
        Action::ScrollRight => {
            // Far enough for any line the screen cuts; the view stops at each line's end.
            detail.hscroll = (detail.hscroll + super::super::detail::HSCROLL_STEP).min(4_096);
            Vec::new()
        }
        Action::LatestEvent => {
            let total = total(state);
            load(state, EventPick::Latest, total, now)
        }
        Action::OldestEvent => load(state, EventPick::Oldest, Some(1), now),
        Action::RecommendedEvent => load(state, EventPick::Recommended, None, now),
        _ => Vec::new(),
    }
}

/// The breadcrumb cursor's keys: moving, paging, and Enter to open or close the crumb under
/// it. Returns whether `action` was one of them.
fn crumb_key(detail: &mut Detail, action: Action, page: usize) -> bool {
    let shown = detail.event.ready().map_or(0, |e| shown_breadcrumbs(e, &detail.crumbs).len());
    let last = shown.saturating_sub(1);
    let to = match action {
        Action::MoveDown => (detail.crumb + 1).min(last),
        Action::MoveUp => detail.crumb.saturating_sub(1),
        Action::PageDown => (detail.crumb + page).min(last),
        Action::PageUp => detail.crumb.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => last,
        Action::Open => {
            let here = detail.crumb;
            detail.crumb_open = if detail.crumb_open == Some(here) || shown == 0 { None } else { Some(here) };
            return true;
        }
        _ => return false,
    };
    detail.crumb = to;
    true
}
