//! Drawing the screens over the list ([`crate::tui::stack`]): which view draws the body, and
//! the lines around it (the path of screens in place of the status tabs, the screen's filters,
//! its key hints). Each screen's body is its own view.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::format::truncate;
use super::performance::{PerformanceView, SamplesView};
use super::waterfall::WaterfallView;
use crate::tui::action::Action;
use crate::tui::sanitize::one_line;
use crate::tui::stack::Screen;
use crate::tui::state::State;
use crate::tui::theme::{Role, Theme};

/// The body of the screen on top.
pub struct ScreenView<'a> {
    pub screen: &'a Screen,
    pub theme: &'a Theme,
    pub now: chrono::DateTime<chrono::Utc>,
}

impl Widget for ScreenView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        match self.screen {
            Screen::Performance(perf) => PerformanceView { perf, theme: self.theme }.render(area, buf),
            Screen::Samples(samples) => SamplesView { samples, theme: self.theme, now: self.now }.render(area, buf),
            Screen::Waterfall(waterfall) => WaterfallView { waterfall, theme: self.theme }.render(area, buf),
        }
    }
}

fn title(screen: &Screen) -> String {
    match screen {
        Screen::Performance(_) => "Performance".into(),
        Screen::Samples(samples) => one_line(&samples.transaction),
        Screen::Waterfall(waterfall) => format!("trace {}", waterfall.trace_id.chars().take(8).collect::<String>()),
    }
}

/// The path of screens, the top one highlighted, in place of the status tabs.
pub fn path(state: &State, theme: &Theme, width: u16) -> Line<'static> {
    let stack = &state.screens.stack;
    let mut spans = Vec::new();
    for (i, screen) in stack.iter().enumerate() {
        let last = i + 1 == stack.len();
        let role = if last { Role::TabActive } else { Role::Tab };
        if i > 0 {
            spans.push(Span::styled(" › ", theme.style(Role::Muted)));
        }
        spans.push(Span::styled(format!(" {} ", truncate(&title(screen), 40)), theme.style(role)));
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    if used > width as usize && spans.len() > 2 {
        // Narrow: the top screen and the one below it.
        spans.drain(..spans.len() - 3);
    }
    Line::from(spans)
}

/// The screen's filters: the Performance search, sort and period, and the shared environment
/// and project.
pub fn filters(state: &State, theme: &Theme) -> Line<'static> {
    let perf = state.screens.stack.iter().find_map(|s| match s {
        Screen::Performance(p) => Some(p),
        _ => None,
    });
    let mut parts = Vec::new();
    if let Some(perf) = perf {
        let query = if perf.query.is_empty() { "(none)".to_string() } else { one_line(&perf.query) };
        parts.push(("search", query));
        parts.push(("sort", perf.sort.label().to_string()));
        parts.push(("period", perf.period.key().to_string()));
    }
    parts.push(("env", state.list.environment.as_deref().map_or_else(|| "all".into(), one_line)));
    if state.projects.len() > 1 || state.list.project.is_some() {
        parts.push(("project", state.list.project.as_ref().map_or_else(|| "all".into(), |(_, slug)| slug.clone())));
    }
    let mut spans = Vec::new();
    for (label, value) in parts {
        spans.push(Span::styled(format!(" {label} "), theme.style(Role::Muted)));
        spans.push(Span::styled(value, theme.style(Role::Text)));
    }
    Line::from(spans)
}

/// The key hints of the screen on top, most used first.
pub fn hints(screen: &Screen) -> Vec<(Action, &'static str)> {
    match screen {
        Screen::Performance(_) => vec![
            (Action::Open, "samples"),
            (Action::CycleSort, "sort"),
            (Action::Search, "search"),
            (Action::PickEnvironment, "env"),
            (Action::ToggleStatsPeriod, "24h/14d"),
            (Action::Back, "back"),
            (Action::Help, "help"),
        ],
        Screen::Samples(_) => {
            vec![
                (Action::Open, "waterfall"),
                (Action::MoveDown, "move"),
                (Action::Refresh, "refresh"),
                (Action::Back, "back"),
                (Action::Help, "help"),
            ]
        }
        Screen::Waterfall(_) => vec![
            (Action::MoveDown, "span"),
            (Action::NextTab, "next error"),
            (Action::Open, "open issue"),
            (Action::Back, "back"),
            (Action::Help, "help"),
        ],
    }
}
