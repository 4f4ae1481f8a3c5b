//! The opened issue: which event is shown (and its prefetched neighbours), which section, the
//! frame cursor and the stack-trace toggles. Plain data plus the pure helpers that decide which
//! frames are shown, shared by the reducer (frame cursor bounds) and the view.

use std::collections::HashMap;

use super::state::{Load, ReqId};
use crate::api::models::{Event, ExceptionValue, Frame};

/// Which event of the issue to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventPick {
    Recommended,
    Latest,
    Oldest,
    Id(String),
}

impl EventPick {
    /// The path segment of `…/events/{here}/`.
    pub fn segment(&self) -> &str {
        match self {
            EventPick::Recommended => "recommended",
            EventPick::Latest => "latest",
            EventPick::Oldest => "oldest",
            EventPick::Id(id) => id,
        }
    }
}

/// The sections of the detail screen, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    #[default]
    Stack,
    Breadcrumbs,
    Request,
    /// The issue's tag distributions (not just this event's tags).
    Tags,
    Context,
    /// What happened to the issue, and its comments.
    Activity,
}

impl Section {
    pub const ALL: [Section; 6] =
        [Section::Stack, Section::Breadcrumbs, Section::Request, Section::Tags, Section::Context, Section::Activity];

    pub fn label(self) -> &'static str {
        match self {
            Section::Stack => "Stack trace",
            Section::Breadcrumbs => "Breadcrumbs",
            Section::Request => "Request",
            Section::Tags => "Tags",
            Section::Context => "Event context",
            Section::Activity => "Activity",
        }
    }

    pub fn step(self, forward: bool) -> Section {
        let i = Section::ALL.iter().position(|s| *s == self).unwrap_or(0);
        let n = Section::ALL.len();
        Section::ALL[if forward { (i + 1) % n } else { (i + n - 1) % n }]
    }
}

/// The detail screen's state.
#[derive(Debug, Clone, Default)]
pub struct Detail {
    /// The issue shown (its id).
    pub issue_id: String,
    pub event: Load<Event>,
    /// The event request the screen waits for.
    pub req: Option<ReqId>,
    /// Which event was asked for (a label for the header).
    pub pick: Option<EventPick>,
    pub section: Section,
    /// Index into [`shown_frames`].
    pub frame: usize,
    /// Crashing frame first (as tracebacks read bottom-up).
    pub newest_first: bool,
    /// Show library and runtime frames too.
    pub all_frames: bool,
    /// First line shown in the scrolled sections.
    pub scroll: usize,
    /// Neighbours loaded ahead of time, by event id.
    pub prefetched: HashMap<String, Event>,
    /// The issue's activity log and comments, newest first.
    pub activity: Load<Vec<crate::api::models::Activity>>,
    /// The comment being saved.
    pub comment_req: Option<ReqId>,
    /// The issue's tag distributions.
    pub tags: Load<Vec<crate::api::TagKey>>,
    /// The tag value under the cursor in the Tags section (index into [`tag_values`]).
    pub tag_cursor: usize,
    /// Highlighted source context, by [`frame_key`]; drawn plain until it arrives.
    pub highlighted: HashMap<String, std::sync::Arc<crate::highlight::Highlighted>>,
}

/// Values shown per tag key in the Tags section.
pub const TAG_VALUES_SHOWN: usize = 5;

/// Every (key, value) the Tags section lists, in order (what the tag cursor indexes).
pub fn tag_values(tags: &[crate::api::TagKey]) -> Vec<(&str, &str)> {
    tags.iter()
        .flat_map(|t| {
            t.top_values.iter().take(TAG_VALUES_SHOWN).filter_map(move |v| Some((t.key.as_str(), v.value.as_deref()?)))
        })
        .collect()
}

/// Identifies a frame's source context for highlighting.
pub fn frame_key(frame: &Frame) -> String {
    let first = frame.context.first().map_or(0, |c| c.line_no);
    format!(
        "{}|{}|{}|{first}|{}",
        frame.filename.as_deref().or(frame.abs_path.as_deref()).unwrap_or(""),
        frame.function.as_deref().unwrap_or(""),
        frame.line_no.unwrap_or(0),
        frame.context.len()
    )
}

impl Detail {
    pub fn new(issue_id: String) -> Self {
        Self { issue_id, newest_first: true, ..Self::default() }
    }
}

/// One exception of the chain with the frames shown for it.
pub struct ShownException<'a> {
    pub exception: &'a ExceptionValue,
    pub frames: Vec<&'a Frame>,
    /// Frames left out by the in-app filter.
    pub hidden: usize,
}

/// The exceptions in display order (the raised one first when `newest_first`), each with its
/// frames in display order. Without `all_frames`, only in-app frames show, unless an exception
/// has none, in which case all of its frames show (as Sentry does).
pub fn shown_exceptions<'a>(event: &'a Event, newest_first: bool, all_frames: bool) -> Vec<ShownException<'a>> {
    let Some(exceptions) = event.exception() else {
        return Vec::new();
    };
    let mut shown: Vec<ShownException<'a>> = exceptions
        .values
        .iter()
        .map(|exception| {
            let all: Vec<&Frame> = exception.stacktrace.as_ref().map(|s| s.frames.iter().collect()).unwrap_or_default();
            let in_app: Vec<&Frame> = all.iter().copied().filter(|f| f.in_app == Some(true)).collect();
            let mut frames = if all_frames || in_app.is_empty() { all.clone() } else { in_app };
            let hidden = all.len() - frames.len();
            if newest_first {
                frames.reverse();
            }
            ShownException { exception, frames, hidden }
        })
        .collect();
    if newest_first {
        shown.reverse();
    }
    shown
}

/// Every shown frame, flattened in display order (what the frame cursor indexes).
pub fn shown_frames(event: &Event, newest_first: bool, all_frames: bool) -> Vec<&Frame> {
    shown_exceptions(event, newest_first, all_frames).into_iter().flat_map(|e| e.frames).collect()
}
