//! The opened issue: which event is shown (and its prefetched neighbours), which section, the
//! frame cursor and the stack-trace toggles. Plain data plus the pure helpers that decide which
//! frames are shown, shared by the reducer (frame cursor bounds) and the view.

use std::collections::HashMap;

use super::state::{Load, ReqId};
use crate::api::models::{Breadcrumb, Entry, Event, ExceptionValue, Frame, Thread};

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

/// The sections of the detail screen, in tab order (number keys 1-8 jump to them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    #[default]
    Stack,
    Breadcrumbs,
    Request,
    /// The issue's tag distributions (not just this event's tags).
    Tags,
    /// The event's tags, user, contexts and SDK.
    Context,
    /// What happened to the issue, and its comments.
    Activity,
    /// The event as the server sent it.
    Json,
    /// What people said about the issue (user feedback and reports).
    Feedback,
}

impl Section {
    pub const ALL: [Section; 8] = [
        Section::Stack,
        Section::Breadcrumbs,
        Section::Request,
        Section::Tags,
        Section::Context,
        Section::Activity,
        Section::Json,
        Section::Feedback,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Section::Stack => "Stack",
            Section::Breadcrumbs => "Breadcrumbs",
            Section::Request => "Request",
            Section::Tags => "Tags",
            Section::Context => "Context",
            Section::Activity => "Activity",
            Section::Json => "JSON",
            Section::Feedback => "Feedback",
        }
    }

    /// The section an action jumps to (`show_stack`, … on the number keys).
    pub fn for_action(action: crate::tui::action::Action) -> Option<Section> {
        use crate::tui::action::Action;
        Some(match action {
            Action::ShowStack => Section::Stack,
            Action::ShowBreadcrumbs => Section::Breadcrumbs,
            Action::ShowRequest => Section::Request,
            Action::ShowTags => Section::Tags,
            Action::ShowContext => Section::Context,
            Action::ShowActivity => Section::Activity,
            Action::ShowJson => Section::Json,
            Action::ShowFeedback => Section::Feedback,
            _ => return None,
        })
    }

    /// Position in [`Section::ALL`] (the number key is one more).
    pub fn index(self) -> usize {
        Section::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn step(self, forward: bool) -> Section {
        let (i, n) = (self.index(), Section::ALL.len());
        Section::ALL[if forward { (i + 1) % n } else { (i + n - 1) % n }]
    }
}

/// Breadcrumb levels from least to most severe; the level filter shows this one and worse.
pub const CRUMB_LEVELS: [&str; 5] = ["debug", "info", "warning", "error", "fatal"];

fn crumb_severity(level: Option<&str>) -> usize {
    let level = level.unwrap_or("info");
    CRUMB_LEVELS.iter().position(|l| *l == level).unwrap_or(1)
}

/// The breadcrumb filters: least severity shown, one category, and text to find.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrumbFilter {
    /// Index into [`CRUMB_LEVELS`]; 0 shows everything.
    pub min_level: usize,
    pub category: Option<String>,
    /// Case-insensitive text in the message, category, type or data.
    pub text: String,
}

impl CrumbFilter {
    pub fn is_active(&self) -> bool {
        self.min_level > 0 || self.category.is_some() || !self.text.is_empty()
    }
}

/// The shape of a breadcrumb for filtering: its category (else type) as the list shows it.
pub fn crumb_category(crumb: &Breadcrumb) -> &str {
    crumb.category.as_deref().or(crumb.kind.as_deref()).unwrap_or("default")
}

/// The breadcrumbs shown, newest first (the ones nearest the event on top).
pub fn shown_breadcrumbs<'a>(event: &'a Event, filter: &CrumbFilter) -> Vec<&'a Breadcrumb> {
    let Some(crumbs) = event.breadcrumbs() else {
        return Vec::new();
    };
    let needle = filter.text.to_lowercase();
    crumbs
        .values
        .iter()
        .rev()
        .filter(|c| crumb_severity(c.level.as_deref()) >= filter.min_level)
        .filter(|c| filter.category.as_deref().is_none_or(|cat| crumb_category(c) == cat))
        .filter(|c| {
            needle.is_empty()
                || [c.message.as_deref(), c.category.as_deref(), c.kind.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|t| t.to_lowercase().contains(&needle))
                || c.data.as_ref().is_some_and(|d| d.to_string().to_lowercase().contains(&needle))
        })
        .collect()
}

/// The categories among an event's breadcrumbs, in first-seen order (what `C` cycles through).
pub fn crumb_categories(event: &Event) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for crumb in event.breadcrumbs().map(|b| b.values.as_slice()).unwrap_or_default() {
        let category = crumb_category(crumb);
        if !seen.iter().any(|s| s == category) {
            seen.push(category.to_string());
        }
    }
    seen
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
    /// First line shown, per section (each scrolls on its own).
    pub scrolls: [usize; Section::ALL.len()],
    /// The stack trace as plain text, the way the platform prints it.
    pub raw_trace: bool,
    /// The frames as the SDK sent them (`rawStacktrace`), before source maps rewrote them.
    pub minified: bool,
    /// Breadcrumb times as clock times instead of offsets from the event.
    pub absolute_time: bool,
    pub crumbs: CrumbFilter,
    /// Text to find in the JSON section, the lines holding it (kept with the lines, so a draw
    /// never searches), and the match shown (index into `json_hits`).
    pub json_find: String,
    pub json_hits: Vec<usize>,
    pub json_match: usize,
    /// The event pretty-printed, one entry per line (made when the event arrives).
    pub json_lines: Vec<String>,
    /// Where the event stands among the issue's events (1 = oldest), when known.
    pub position: Option<u64>,
    /// The position the event being loaded will have, when the step made it plain.
    pub position_hint: Option<u64>,
    /// The issue as `…/issues/{id}/` returns it (first and last release), once loaded.
    pub issue: Option<crate::api::Issue>,
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
    /// The breadcrumb under the cursor (index into [`shown_breadcrumbs`]).
    pub crumb: usize,
    /// The breadcrumb opened to show all its data (Enter), if any.
    pub crumb_open: Option<usize>,
    /// Columns long lines (source code, breadcrumbs) are scrolled to the right by (`←`/`→`).
    pub hscroll: usize,
    /// The issue takes the whole width, even where the list would stand beside it (`z`).
    pub zoomed: bool,
    /// The issue's feedback, the event's attachments and the attachment pager.
    pub sidecar: super::sidecar::Sidecar,
}

/// Columns one `←` or `→` scrolls long lines by.
pub const HSCROLL_STEP: usize = 8;

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

    /// The shown section's first line.
    pub fn scroll(&self) -> usize {
        self.scrolls[self.section.index()]
    }

    pub fn scroll_mut(&mut self) -> &mut usize {
        &mut self.scrolls[self.section.index()]
    }

    /// How many lines the shown section can scroll through (an upper bound for the sections
    /// whose layout the view decides).
    pub fn section_len(&self) -> usize {
        let Some(event) = self.event.ready() else {
            return 0;
        };
        match self.section {
            Section::Stack if self.raw_trace => raw_traceback(event).lines().count(),
            Section::Stack | Section::Tags => 0,
            Section::Breadcrumbs => shown_breadcrumbs(event, &self.crumbs).len(),
            Section::Json => self.json_lines.len(),
            Section::Request => event.request().map_or(0, |r| {
                let body =
                    r.data.as_ref().map_or(0, |d| serde_json::to_string_pretty(d).map_or(0, |t| t.lines().count()));
                2 + r.query.len() + r.headers.len() + r.cookies.len() + r.env.len() + body + 10
            }),
            Section::Context => {
                let contexts: usize = event.contexts.values().map(|c| c.as_object().map_or(0, |o| o.len() + 2)).sum();
                event.tags.len() + contexts + 20
            }
            Section::Activity => self.activity.ready().map_or(0, Vec::len) + 2,
            Section::Feedback => self.sidecar.feedback.ready().map_or(0, Vec::len) * 6 + 2,
        }
    }

    /// Shows `event`'s JSON: the server's own text when kept, else the decoded model.
    pub fn set_json(&mut self, event: &Event) {
        let value = match &event.raw {
            Some(raw) => serde_json::to_string_pretty(raw.as_ref()),
            None => serde_json::to_string_pretty(event),
        };
        self.json_lines = value.unwrap_or_default().lines().map(str::to_owned).collect();
        self.find_in_json(self.json_find.clone());
    }

    /// Finds `text` in the JSON lines; the first match becomes the one shown.
    pub fn find_in_json(&mut self, text: String) {
        self.json_hits = json_matches(&self.json_lines, &text);
        self.json_find = text;
        self.json_match = 0;
    }
}

/// The JSON lines holding `find` (case-insensitive).
pub fn json_matches(lines: &[String], find: &str) -> Vec<usize> {
    if find.is_empty() {
        return Vec::new();
    }
    let needle = find.to_lowercase();
    lines.iter().enumerate().filter(|(_, l)| l.to_lowercase().contains(&needle)).map(|(i, _)| i).collect()
}

/// What a block of frames belongs to.
pub enum StackOwner<'a> {
    Exception(&'a ExceptionValue),
    Thread(&'a Thread),
    /// A stack trace sent on its own (a message event with `attach_stacktrace`).
    Bare,
}

/// One exception of the chain (or a thread) with the frames shown for it.
pub struct ShownException<'a> {
    pub owner: StackOwner<'a>,
    pub frames: Vec<&'a Frame>,
    /// Frames left out by the in-app filter.
    pub hidden: usize,
}

fn threads(event: &Event) -> impl Iterator<Item = &Thread> {
    event
        .entries
        .iter()
        .filter_map(|e| match e {
            Entry::Threads(t) => Some(t.values.iter()),
            _ => None,
        })
        .flatten()
}

fn pick_frames<'a>(
    owner: StackOwner<'a>,
    all: Vec<&'a Frame>,
    newest_first: bool,
    all_frames: bool,
) -> ShownException<'a> {
    let in_app: Vec<&Frame> = all.iter().copied().filter(|f| f.in_app == Some(true)).collect();
    let mut frames = if all_frames || in_app.is_empty() { all.clone() } else { in_app };
    let hidden = all.len() - frames.len();
    if newest_first {
        frames.reverse();
    }
    ShownException { owner, frames, hidden }
}

/// The exceptions in display order (the raised one first when `newest_first`), each with its
/// frames in display order, then the threads that carry a stack trace (the crashed one first).
/// Without `all_frames`, only in-app frames show, unless a block has none, in which case all of
/// its frames show (as Sentry does). With `minified`, a stack that source maps rewrote shows
/// the frames its SDK sent (`rawStacktrace`).
pub fn shown_exceptions<'a>(
    event: &'a Event,
    newest_first: bool,
    all_frames: bool,
    minified: bool,
) -> Vec<ShownException<'a>> {
    let pick = |stack: &'a Option<crate::api::models::Stacktrace>, raw: &'a Option<crate::api::models::Stacktrace>| {
        let chosen = if minified { raw.as_ref().or(stack.as_ref()) } else { stack.as_ref() };
        chosen.map(|s| s.frames.iter().collect::<Vec<&Frame>>()).unwrap_or_default()
    };
    let mut shown: Vec<ShownException<'a>> = event
        .exception()
        .map(|e| e.values.iter().collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|exception| {
            let all = pick(&exception.stacktrace, &exception.raw_stacktrace);
            pick_frames(StackOwner::Exception(exception), all, newest_first, all_frames)
        })
        .collect();
    if newest_first {
        shown.reverse();
    }
    if let Some(stack) = event.stacktrace().filter(|s| !s.frames.is_empty()) {
        shown.push(pick_frames(StackOwner::Bare, stack.frames.iter().collect(), newest_first, all_frames));
    }
    let mut with_stacks: Vec<&Thread> =
        threads(event).filter(|t| t.stacktrace.as_ref().is_some_and(|s| !s.frames.is_empty())).collect();
    with_stacks.sort_by_key(|t| !t.crashed);
    for thread in with_stacks {
        let all = pick(&thread.stacktrace, &thread.raw_stacktrace);
        shown.push(pick_frames(StackOwner::Thread(thread), all, newest_first, all_frames));
    }
    shown
}

/// Every shown frame, flattened in display order (what the frame cursor indexes).
pub fn shown_frames(event: &Event, newest_first: bool, all_frames: bool, minified: bool) -> Vec<&Frame> {
    shown_exceptions(event, newest_first, all_frames, minified).into_iter().flat_map(|e| e.frames).collect()
}

/// Whether any stack of the event was rewritten by source maps (so its minified frames exist).
pub fn has_minified_frames(event: &Event) -> bool {
    let exceptions = event.exception().into_iter().flat_map(|e| e.values.iter()).any(|e| e.raw_stacktrace.is_some());
    exceptions || threads(event).any(|t| t.raw_stacktrace.is_some())
}

/// Why a frame was left minified, when the server said (its source-map notice for the frame's
/// file: `no source map uploaded for this file`, ...).
pub fn frame_notice<'e>(event: &'e Event, frame: &Frame) -> Option<&'e str> {
    let paths = [frame.abs_path.as_deref(), frame.filename.as_deref()];
    event.errors.iter().find_map(|error| {
        let kind = error.kind.as_deref()?;
        crate::ingest::symbolicate::notice_reason(kind)?;
        let url = error.data.as_ref()?.get("url")?.as_str()?;
        paths
            .contains(&Some(url))
            .then(|| error.message.as_deref().or(crate::ingest::symbolicate::notice_reason(kind)))?
    })
}

/// An exception's heading: `Type: value`.
pub fn exception_title(exception: &ExceptionValue) -> String {
    match (&exception.kind, &exception.value) {
        (Some(kind), Some(value)) => format!("{kind}: {value}"),
        (Some(kind), None) => kind.clone(),
        (None, Some(value)) => value.clone(),
        (None, None) => "exception".into(),
    }
}

/// A thread's heading: its name or id, and whether it crashed or was current.
pub fn thread_title(thread: &Thread) -> String {
    let name = thread.name.as_deref().or(thread.id.as_deref()).unwrap_or("?");
    let mut title = format!("thread {name}");
    if thread.crashed {
        title.push_str(" (crashed)");
    } else if thread.current {
        title.push_str(" (current)");
    }
    title
}

/// The stack trace as plain text, every frame included, the way the platform prints it:
/// Python's `Traceback (most recent call last)` with the chain cause first, and otherwise the
/// JavaScript/JVM shape (`Type: value` then `    at function (file:line:col)`, newest first).
/// Unsanitised: the view cleans it when drawing, and the clipboard gets it as sent.
pub fn raw_traceback(event: &Event) -> String {
    let exceptions: Vec<&ExceptionValue> = event.exception().map(|e| e.values.iter().collect()).unwrap_or_default();
    let python = event.platform.as_deref() == Some("python");
    let mut out = String::new();
    let file = |f: &Frame| f.filename.clone().or(f.abs_path.clone()).or(f.module.clone()).unwrap_or_else(|| "?".into());
    let function = |f: &Frame| f.function.clone().unwrap_or_else(|| "?".into());
    let crash_line =
        |f: &Frame| f.context.iter().find(|c| Some(c.line_no) == f.line_no).map(|c| c.text.trim().to_string());
    if python {
        // Cause first, the raised exception last, each with its frames oldest first.
        for (i, exception) in exceptions.iter().enumerate() {
            if i > 0 {
                let context = exception.mechanism.as_ref().and_then(|m| m.source.as_deref()) == Some("__context__");
                out.push_str(if context {
                    "\nDuring handling of the above exception, another exception occurred:\n\n"
                } else {
                    "\nThe above exception was the direct cause of the following exception:\n\n"
                });
            }
            let frames = exception.stacktrace.as_ref().map(|s| s.frames.as_slice()).unwrap_or_default();
            if !frames.is_empty() {
                out.push_str("Traceback (most recent call last):\n");
            }
            for f in frames {
                let line = f.line_no.map_or(String::new(), |l| format!(", line {l}"));
                out.push_str(&format!("  File \"{}\"{line}, in {}\n", file(f), function(f)));
                if let Some(code) = crash_line(f) {
                    out.push_str(&format!("    {code}\n"));
                }
            }
            out.push_str(&exception_title(exception));
            out.push('\n');
        }
    } else {
        // The raised exception first, then its causes, each with its frames newest first.
        for (i, exception) in exceptions.iter().rev().enumerate() {
            if i > 0 {
                out.push_str("Caused by: ");
            }
            out.push_str(&exception_title(exception));
            out.push('\n');
            for f in exception.stacktrace.as_ref().map(|s| s.frames.as_slice()).unwrap_or_default().iter().rev() {
                let position = match (f.line_no, f.col_no) {
                    (Some(l), Some(c)) => format!(":{l}:{c}"),
                    (Some(l), None) => format!(":{l}"),
                    _ => String::new(),
                };
                match &f.function {
                    Some(function) => out.push_str(&format!("    at {function} ({}{position})\n", file(f))),
                    None => out.push_str(&format!("    at {}{position}\n", file(f))),
                }
            }
        }
    }
    if exceptions.is_empty()
        && let Some(stack) = event.stacktrace()
    {
        out.push_str(&event.title);
        out.push('\n');
        for f in stack.frames.iter().rev() {
            let line = f.line_no.map_or(String::new(), |l| format!(":{l}"));
            out.push_str(&format!("    at {} ({}{line})\n", function(f), file(f)));
        }
    }
    for thread in threads(event).filter(|t| t.stacktrace.as_ref().is_some_and(|s| !s.frames.is_empty())) {
        out.push_str(&format!("\n{}\n", thread_title(thread)));
        for f in thread.stacktrace.as_ref().map(|s| s.frames.as_slice()).unwrap_or_default().iter().rev() {
            let line = f.line_no.map_or(String::new(), |l| format!(":{l}"));
            out.push_str(&format!("    at {} ({}{line})\n", function(f), file(f)));
        }
    }
    out
}
