//! Overlays drawn over the screen: help (generated from the keymap), the command palette,
//! menus, prompts and confirmations. (Messages take the key-hint line; see `chrome::toast`.)

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::format::fit;
use crate::tui::keymap::{Context, Keymap};
use crate::tui::overlay::{Input, Menu, Overlay, Palette, Prompt};
use crate::tui::state::State;
use crate::tui::theme::{Role, Theme};

/// A box of at most `width` x `height` centred in `area`.
fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width.saturating_sub(2)).max(10.min(area.width));
    let height = height.min(area.height.saturating_sub(2)).max(3.min(area.height));
    Rect::new(area.x + (area.width - width) / 2, area.y + (area.height - height) / 2, width, height)
}

fn frame_box<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::OverlayBorder))
        .title(Span::styled(format!(" {title} "), theme.style(Role::OverlayTitle)))
}

pub fn draw(frame: &mut Frame<'_>, state: &State, theme: &Theme, keymap: &Keymap) {
    let area = frame.area();
    match &state.overlay {
        Some(Overlay::Help) => help(frame, area, state, theme, keymap),
        Some(Overlay::Palette(palette)) => palette_box(frame, area, state, palette, theme, keymap),
        Some(Overlay::Menu(menu)) => menu_box(frame, area, menu, theme),
        Some(Overlay::Prompt(prompt)) => prompt_box(frame, area, prompt, theme),
        Some(Overlay::Confirm(confirm)) => {
            let rect = centred(area, (confirm.message.len() as u16 + 6).max(30), 4);
            frame.render_widget(Clear, rect);
            let lines = vec![
                Line::from(Span::styled(confirm.message.clone(), theme.style(Role::Text))),
                Line::from(vec![
                    Span::styled(" y ", theme.style(Role::KeyHint)),
                    Span::styled("yes  ", theme.style(Role::KeyDesc)),
                    Span::styled(" n ", theme.style(Role::KeyHint)),
                    Span::styled("no", theme.style(Role::KeyDesc)),
                ]),
            ];
            frame.render_widget(Paragraph::new(lines).block(frame_box("Confirm", theme)), rect);
        }
        None => {}
    }
}

/// What the list's marks mean, under the keys.
const LEGEND: [&str; 2] = [
    "F E W I D level · NEW REG ESC ARC RES status · ... change in flight · hi med low priority",
    "+ selected · • new or changed since the last poll · the sparkline counts events per hour (24h) or day (14d)",
];

fn help(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme, keymap: &Keymap) {
    let entries: Vec<(String, &'static str)> = keymap
        .help(Context::List)
        .into_iter()
        .filter(|(_, action)| state.offers(*action))
        .map(|(keys, action)| (keys.split(' ').take(2).collect::<Vec<_>>().join(" "), action.description()))
        .collect();
    let rect = centred(area, 116, entries.len() as u16 / 2 + 6);
    frame.render_widget(Clear, rect);
    let inner_width = rect.width.saturating_sub(2) as usize;
    let columns = if inner_width >= 90 { 2 } else { 1 };
    let per_column = entries.len().div_ceil(columns);
    let col_width = inner_width / columns;
    let key_width = 16;
    let mut lines = Vec::new();
    for row in 0..per_column {
        let mut spans = Vec::new();
        for column in 0..columns {
            if let Some((keys, description)) = entries.get(column * per_column + row) {
                spans.push(Span::styled(fit(keys, key_width), theme.style(Role::KeyHint)));
                spans.push(Span::styled(
                    fit(description, col_width.saturating_sub(key_width)),
                    theme.style(Role::KeyDesc),
                ));
            }
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::default());
    for legend in LEGEND {
        lines.push(Line::from(Span::styled(fit(legend, inner_width), theme.style(Role::Muted))));
    }
    frame.render_widget(Paragraph::new(lines).block(frame_box("Keys (Esc to close)", theme)), rect);
}

fn input_line(prefix: &str, input: &Input, theme: &Theme) -> Line<'static> {
    let before: String = input.text.chars().take(input.cursor).collect();
    let at: String = input.text.chars().nth(input.cursor).map_or_else(|| " ".into(), String::from);
    let after: String = input.text.chars().skip(input.cursor + 1).collect();
    let clean = crate::tui::sanitize::one_line;
    Line::from(vec![
        Span::styled(prefix.to_string(), theme.style(Role::Muted)),
        Span::styled(clean(&before), theme.style(Role::Input)),
        Span::styled(clean(&at), theme.style(Role::Selection)),
        Span::styled(clean(&after), theme.style(Role::Input)),
    ])
}

fn palette_box(frame: &mut Frame<'_>, area: Rect, state: &State, palette: &Palette, theme: &Theme, keymap: &Keymap) {
    let matches = palette.matches(&crate::tui::update::palette_actions(state));
    let rect = centred(area, 64, 14);
    frame.render_widget(Clear, rect);
    let mut lines = vec![input_line(": ", &palette.input, theme)];
    let room = rect.height.saturating_sub(3) as usize;
    let first = palette.selected.saturating_sub(room.saturating_sub(1));
    for (i, action) in matches.iter().enumerate().skip(first).take(room) {
        let role = if i == palette.selected { Role::Selection } else { Role::Text };
        let key =
            keymap.hint(Context::List, *action).or_else(|| keymap.hint(Context::Alerts, *action)).unwrap_or_default();
        let width = rect.width.saturating_sub(2) as usize;
        let text = format!("{:<22}{:<10}{}", action.name(), key, action.description());
        lines.push(Line::from(Span::styled(fit(&text, width), theme.style(role))));
    }
    if matches.is_empty() {
        lines.push(Line::from(Span::styled("no action matches", theme.style(Role::Muted))));
    }
    frame.render_widget(Paragraph::new(lines).block(frame_box("Commands", theme)), rect);
}

fn menu_box(frame: &mut Frame<'_>, area: Rect, menu: &Menu, theme: &Theme) {
    let width = menu.items.iter().map(|i| i.label.chars().count()).max().unwrap_or(10) as u16 + 10;
    let rect = centred(area, width.max(24), menu.items.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    let lines: Vec<Line> = menu
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let role = if i == menu.selected { Role::Selection } else { Role::Text };
            let key = item.key.map_or_else(|| "   ".to_string(), |k| format!(" {k} "));
            Line::from(vec![
                Span::styled(key, theme.style(Role::KeyHint)),
                Span::styled(format!(" {}", item.label), theme.style(role)),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(frame_box(&menu.title, theme)), rect);
}

fn prompt_box(frame: &mut Frame<'_>, area: Rect, prompt: &Prompt, theme: &Theme) {
    let inner = u16::min(90, area.width.saturating_sub(2)).saturating_sub(2).max(1) as usize;
    let error_lines = prompt.error.as_deref().map_or(0, |e| unicode_width::UnicodeWidthStr::width(e).div_ceil(inner));
    let rect = centred(area, 90, 3 + error_lines as u16);
    frame.render_widget(Clear, rect);
    let mut lines = vec![input_line("", &prompt.input, theme)];
    if let Some(error) = &prompt.error {
        lines.push(Line::from(Span::styled(crate::tui::sanitize::one_line(error), theme.style(Role::StatusError))));
    }
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false }).block(frame_box(prompt.kind.title(), theme));
    frame.render_widget(paragraph, rect);
}
