//! What `?` shows, generated from the keymap: the current screen's keys first (the opened
//! issue, the standup or releases screen, or the list), then the keys that still work there from the list
//! (triage acts on the opened issue), then the keys that work everywhere, then how menus,
//! pickers and prompts answer, then what the list's marks mean. Every action the keymap binds
//! appears under the screens where it works, so a new key shows up without being listed
//! here; only descriptions that differ on a screen are written down. The command palette
//! lists actions in the same order.

use super::action::Action;
use super::keymap::{Chord, Context, Keymap};
use super::state::State;

/// One titled group of keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: &'static str,
    pub entries: Vec<Entry>,
}

/// A key (or several) and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub keys: String,
    pub text: String,
    /// The action, where the keys run one (menus' keys are the overlay's own).
    pub action: Option<Action>,
}

/// The screen the help is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    List,
    Issue,
    Standup,
    Releases,
    Alerts,
    /// Performance, a transaction's samples, or a trace's waterfall.
    Performance(Stacked),
}

/// Which of the Performance screens is on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stacked {
    Table,
    Samples,
    Waterfall,
}

fn screen(state: &State) -> Screen {
    use super::stack::Screen as Top;
    if let Some(top) = state.screens.showing() {
        Screen::Performance(match top {
            Top::Performance(_) => Stacked::Table,
            Top::Samples(_) => Stacked::Samples,
            Top::Waterfall(_) => Stacked::Waterfall,
        })
    } else if state.alert_screen.as_ref().is_some_and(|s| s.showing()) {
        Screen::Alerts
    } else if state.standup().is_some_and(|s| s.showing()) {
        Screen::Standup
    } else if state.releases().is_some_and(|r| r.away.is_none()) {
        Screen::Releases
    } else if state.detail.is_some() {
        Screen::Issue
    } else {
        Screen::List
    }
}

/// The keymap context of the screen shown (for hints and the palette's keys).
pub fn context(state: &State) -> Context {
    match screen(state) {
        Screen::Issue => Context::Detail,
        Screen::Releases => Context::Releases,
        Screen::Alerts => Context::Alerts,
        Screen::List | Screen::Standup | Screen::Performance(_) => Context::List,
    }
}

/// What an action does on `screen`, where that differs from its own description (only where
/// the screen itself `owns` the action: elsewhere it does what it does on the list).
fn described(screen: Screen, action: Action, owns: bool) -> &'static str {
    if !owns {
        return action.description();
    }
    let special = match (screen, action) {
        (Screen::Issue, Action::MoveDown) => "Next frame (Stack); scroll down in other sections",
        (Screen::Issue, Action::MoveUp) => "Previous frame (Stack); scroll up in other sections",
        (Screen::Issue, Action::PageDown) => "Scroll down a page",
        (Screen::Issue, Action::PageUp) => "Scroll up a page",
        (Screen::Issue, Action::Top) => "First frame or line",
        (Screen::Issue, Action::Bottom) => "Last frame or line",
        (Screen::Issue, Action::NextTab) => "Next section",
        (Screen::Issue, Action::PrevTab) => "Previous section",
        (Screen::Issue, Action::Back) => "Back to the list",
        (Screen::Issue, Action::Open) => "Tags: filter the list by the value under the cursor",
        (Screen::Issue, Action::Search) => "Breadcrumbs: show those containing text; JSON: find text",
        (Screen::Standup, Action::MoveDown) => "Next entry",
        (Screen::Standup, Action::MoveUp) => "Previous entry",
        (Screen::Standup, Action::PageDown) => "Down a page",
        (Screen::Standup, Action::PageUp) => "Up a page",
        (Screen::Standup, Action::Top) => "First entry",
        (Screen::Standup, Action::Bottom) => "Last entry",
        (Screen::Standup, Action::Open) => "Open the issue under the cursor (Esc comes back here)",
        (Screen::Standup, Action::Back) => "Close the standup screen",
        (Screen::Standup, Action::Refresh) => "Gather the digest again",
        (Screen::Standup, Action::ToggleStatsPeriod) => "Window: 24 hours, 3 days, 7 days",
        (Screen::Releases, Action::MoveDown) => "Next release",
        (Screen::Releases, Action::MoveUp) => "Previous release",
        (Screen::Releases, Action::PageDown) => "Down a page",
        (Screen::Releases, Action::PageUp) => "Up a page",
        (Screen::Releases, Action::Top) => "Newest release",
        (Screen::Releases, Action::Bottom) => "Oldest release loaded",
        (Screen::Releases, Action::Open) => {
            "The issues first seen in the release under the cursor (Esc comes back here)"
        }
        (Screen::Releases, Action::Back) => "Close the releases screen",
        (Screen::Releases, Action::Refresh) => "Load the releases again",
        (Screen::Releases, Action::ToggleStatsPeriod) => "Events sparkline: 24 hours or 14 days",
        (Screen::Alerts, Action::Open) => "Edit the rule, or open the firing's issue (Esc comes back here)",
        (Screen::Alerts, Action::NextTab) => "Switch between the rules and the firing log",
        (Screen::Alerts, Action::PrevTab) => "Switch between the rules and the firing log",
        (Screen::Alerts, Action::Back) => "Close the Alerts screen",
        (Screen::Alerts, Action::Refresh) => "Load the rules and the log again",
        (Screen::Alerts, Action::Top) => "First row",
        (Screen::Alerts, Action::Bottom) => "Last row",
        (Screen::Performance(Stacked::Table), Action::Open) => "The slowest samples of the transaction",
        (Screen::Performance(Stacked::Table), Action::CycleSort) => {
            "Cycle the order: throughput, p50, p95, failure rate, users"
        }
        (Screen::Performance(Stacked::Table), Action::Search) => "Search transactions (transaction:, release:, ...)",
        (Screen::Performance(Stacked::Table), Action::ToggleStatsPeriod) => "Period: 24 hours or 14 days",
        (Screen::Performance(Stacked::Samples), Action::Open) => "The span waterfall of the sample",
        (Screen::Performance(Stacked::Waterfall), Action::Open) => "Open the issue of the error on the span",
        (Screen::Performance(Stacked::Waterfall), Action::MoveDown) => "Next span",
        (Screen::Performance(Stacked::Waterfall), Action::MoveUp) => "Previous span",
        (Screen::Performance(Stacked::Waterfall), Action::NextTab) => "Next span with an error",
        (Screen::Performance(Stacked::Waterfall), Action::PrevTab) => "Previous span with an error",
        (Screen::Performance(_), Action::Top) => "First row",
        (Screen::Performance(_), Action::Bottom) => "Last row",
        (Screen::Performance(_), Action::Back) => "Back one screen (to the issues from Performance)",
        (Screen::Performance(_), Action::Refresh) => "Load again",
        _ => "",
    };
    if special.is_empty() { action.description() } else { special }
}

/// The keys that open a screen, and quitting, which work over every other screen.
fn opens_a_screen(action: Action) -> bool {
    matches!(
        action,
        Action::Standup
            | Action::Releases
            | Action::Feedback
            | Action::Monitors
            | Action::Performance
            | Action::Alerts
            | Action::Quit
    )
}

/// Whether the screen itself gives `action` its meaning (its own section of the help).
fn own(screen: Screen, state: &State, keymap: &Keymap, action: Action) -> bool {
    match screen {
        Screen::Issue => keymap.binds(Context::Detail, action) || crate::tui::update::detail::handles(state, action),
        Screen::Standup | Screen::Releases => crate::tui::update::screen_own(state, action),
        Screen::Alerts => {
            crate::tui::update::alerts_takes(state, action)
                || matches!(action, Action::Back | Action::NextTab | Action::PrevTab)
        }
        Screen::Performance(top) => {
            let tabs = matches!(action, Action::NextTab | Action::PrevTab);
            (crate::tui::update::stack_takes(state, action) && !tabs)
                || action == Action::Back
                || (top == Stacked::Waterfall && matches!(action, Action::NextTab | Action::PrevTab))
        }
        Screen::List => keymap.binds(Context::List, action),
    }
}

fn entry(keymap: &Keymap, context: Context, screen: Screen, action: Action, owns: bool) -> Option<Entry> {
    let chords = keymap.chords(context, action);
    (!chords.is_empty()).then(|| Entry {
        keys: chords.iter().map(Chord::to_string).collect::<Vec<_>>().join(" "),
        text: described(screen, action, owns).to_string(),
        action: Some(action),
    })
}

/// Every section, the current screen's first.
pub fn sections(state: &State, keymap: &Keymap) -> Vec<Section> {
    let screen = screen(state);
    let context = context(state);
    let offered: Vec<Action> = Action::ALL.iter().copied().filter(|a| state.offers(*a)).collect();
    let global = |a: &Action| keymap.binds(Context::Global, *a) && !keymap.binds(context, *a);
    let mut first = Vec::new();
    let mut then = Vec::new();
    let mut everywhere = Vec::new();
    for &action in &offered {
        if global(&action) {
            everywhere.extend(entry(keymap, context, screen, action, false));
        } else if own(screen, state, keymap, action) {
            first.extend(entry(keymap, context, screen, action, true));
        } else if matches!(screen, Screen::List | Screen::Issue) {
            then.extend(entry(keymap, context, screen, action, false));
        } else if opens_a_screen(action)
            || (matches!(screen, Screen::Standup | Screen::Releases) && crate::tui::update::screen_takes(state, action))
        {
            // Over a screen, the keys to the other screens still work.
            everywhere.extend(entry(keymap, context, screen, action, false));
        }
    }
    // Quitting ends a section rather than leading it.
    for entries in [&mut first, &mut then, &mut everywhere] {
        entries.sort_by_key(|e| e.action == Some(Action::Quit));
    }
    let (title, rest) = match screen {
        Screen::Issue => ("The opened issue", "Triage and the list (act on the opened issue)"),
        Screen::Standup => ("The standup screen", ""),
        Screen::Releases => ("The releases screen", ""),
        Screen::Alerts => ("The Alerts screen", ""),
        Screen::Performance(Stacked::Table) => ("Performance", ""),
        Screen::Performance(Stacked::Samples) => ("A transaction's samples", ""),
        Screen::Performance(Stacked::Waterfall) => ("The span waterfall", ""),
        Screen::List => ("The issue list", ""),
    };
    let mut sections = vec![Section { title, entries: first }];
    if !then.is_empty() {
        sections.push(Section { title: rest, entries: then });
    }
    sections.push(Section { title: "Everywhere", entries: everywhere });
    sections.push(Section { title: "In menus, pickers and prompts", entries: overlay_keys() });
    sections
}

/// The overlays' own keys (fixed: they are not in the keymap, so typing stays typing).
fn overlay_keys() -> Vec<Entry> {
    [
        ("j k ↓ ↑", "Move in a menu (in pickers and the palette: ↓ ↑ tab, since letters type)"),
        ("enter", "Choose, or submit the text"),
        ("a letter or digit", "Choose that menu item at once"),
        ("typing", "Narrows the assign picker and the palette; edits a prompt (ctrl-w a word, ctrl-u all)"),
        ("↑ in search", "Earlier searches"),
        ("esc", "Close without choosing"),
    ]
    .into_iter()
    .map(|(keys, text)| Entry { keys: keys.into(), text: text.into(), action: None })
    .collect()
}

/// What the list's marks mean, and the cursor's one rule.
pub const LEGEND: [&str; 3] = [
    "The cursor stays on the issue an action acts on; after u it is on the issue restored.",
    "Marks: F E W I D level · NEW REG ESC ARC RES status · ... change in flight · hi med low priority · \
     ★ bookmarked · + selected · • new or changed since the last poll.",
    "The sparkline counts events per hour (24h) or per day (14d).",
];

/// The sections narrowed to the entries containing every word of `filter` (in keys, text or
/// action name); sections left empty go.
pub fn filtered(sections: Vec<Section>, filter: &str) -> Vec<Section> {
    let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return sections;
    }
    sections
        .into_iter()
        .filter_map(|mut section| {
            section.entries.retain(|e| {
                let name = e.action.map(|a| a.name().replace('_', " ")).unwrap_or_default();
                let haystack = format!("{} {} {name}", e.keys, e.text).to_lowercase();
                words.iter().all(|w| haystack.contains(w.as_str()))
            });
            (!section.entries.is_empty()).then_some(section)
        })
        .collect()
}

/// Every offered action, the current screen's first, then the rest in help order, then those
/// no key runs here (the command palette's order).
pub fn palette_order(state: &State, keymap: &Keymap) -> Vec<Action> {
    let mut order: Vec<Action> =
        sections(state, keymap).iter().flat_map(|s| s.entries.iter().filter_map(|e| e.action)).collect();
    // Over a screen, only what acts there (the list underneath takes none of its keys).
    let acts = |a: &Action| state.offers(*a) && crate::tui::update::screen_takes(state, *a);
    for action in Action::ALL.iter().copied().filter(acts) {
        if !order.contains(&action) {
            order.push(action);
        }
    }
    order
}

/// The help overlay's own state: where it is scrolled and what it is filtered by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HelpView {
    /// First line shown.
    pub scroll: usize,
    pub filter: super::overlay::Input,
    /// Keys go to the filter (after `/`, until Enter or Esc).
    pub typing: bool,
}

/// One line of the laid-out help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Title(String),
    /// Keys (empty on a description's continuation lines) and a piece of description.
    Key(String, String),
    Note(String),
    Blank,
}

/// Width of the keys column.
pub const KEYS_WIDTH: usize = 18;

/// The help laid out `width` columns wide: descriptions wrap under themselves, nothing is cut.
pub fn layout(state: &State, keymap: &Keymap, filter: &str, width: usize) -> Vec<Line> {
    let text_width = width.saturating_sub(KEYS_WIDTH + 1).max(12);
    let mut lines = Vec::new();
    let sections = filtered(sections(state, keymap), filter);
    if sections.is_empty() {
        lines.push(Line::Note(format!("no key matches {:?}", crate::tui::sanitize::one_line(filter))));
    }
    for section in sections {
        if !lines.is_empty() {
            lines.push(Line::Blank);
        }
        lines.push(Line::Title(section.title.to_string()));
        for entry in section.entries {
            let mut pieces = wrap(&entry.text, text_width).into_iter();
            let keys_fit = unicode_width::UnicodeWidthStr::width(entry.keys.as_str()) < KEYS_WIDTH;
            if !keys_fit {
                lines.push(Line::Key(entry.keys.clone(), String::new()));
            }
            let first = pieces.next().unwrap_or_default();
            lines.push(Line::Key(if keys_fit { entry.keys } else { String::new() }, first));
            lines.extend(pieces.map(|piece| Line::Key(String::new(), piece)));
        }
    }
    if filter.trim().is_empty() {
        lines.push(Line::Blank);
        for note in LEGEND {
            lines.extend(wrap(note, width.saturating_sub(1).max(12)).into_iter().map(Line::Note));
        }
    }
    lines
}

/// Words into lines of at most `width` columns (a word longer than that is split).
fn wrap(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        loop {
            let used = line.width();
            let needed = word.width() + usize::from(used > 0);
            if used + needed <= width {
                if used > 0 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word wider than the line: split it by characters.
            let mut head = String::new();
            let mut rest = word.chars().peekable();
            while let Some(c) = rest.peek() {
                if head.width() + unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0) > width {
                    break;
                }
                head.push(*c);
                rest.next();
            }
            if head.is_empty() {
                head.extend(rest.next());
            }
            lines.push(head);
            word = rest.collect();
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The help box in a `columns` x `rows` terminal: (box width, box height, text width inside,
/// lines of help shown; the box's last inner line says how to scroll).
pub fn geometry(columns: u16, rows: u16) -> (u16, u16, usize, usize) {
    let width = columns.saturating_sub(2).min(110);
    let height = rows.saturating_sub(2);
    (width, height, usize::from(width.saturating_sub(2)), usize::from(height.saturating_sub(3)).max(1))
}

/// Scrolls by `delta` lines (`isize::MIN` / `isize::MAX` for the ends), within the content.
pub fn scroll(view: &mut HelpView, state: &State, keymap: &Keymap, delta: isize) {
    let (columns, rows) = (state.columns.max(20), (state.page_rows + 6) as u16);
    let (_, _, width, shown) = geometry(columns, rows);
    let last = layout(state, keymap, &view.filter.text, width).len().saturating_sub(shown);
    view.scroll = view.scroll.saturating_add_signed(delta).min(last);
}

/// The README's key tables (between its `<!-- keys -->` markers), generated from `keymap`:
/// the list's keys, the opened issue's own keys, and the keys that work everywhere. A test
/// holds the README to it.
pub fn readme_tables(keymap: &Keymap) -> String {
    let list = State::default();
    let mut issue = State::default();
    let mut detail = super::detail::Detail::new(String::new());
    // In Breadcrumbs `/` finds; the table says what it does in the sections that have it.
    detail.section = super::detail::Section::Breadcrumbs;
    issue.detail = Some(detail);
    let mut out = String::new();
    let tables = [
        ("in the issue list", sections(&list, keymap).swap_remove(0)),
        ("in the opened issue", sections(&issue, keymap).swap_remove(0)),
        (
            "everywhere",
            sections(&list, keymap)
                .into_iter()
                .find(|s| s.title == "Everywhere")
                .unwrap_or(Section { title: "Everywhere", entries: Vec::new() }),
        ),
    ];
    for (title, section) in tables {
        out.push_str(&format!("\n| key | {title} |\n|---|---|\n"));
        for entry in section.entries {
            let keys: Vec<String> = entry.keys.split(' ').map(|k| format!("`{}`", k.replace('|', "\\|"))).collect();
            out.push_str(&format!("| {} | {} |\n", keys.join(" "), entry.text));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_and_long_words_split() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
    }
}
