//! Overlays drawn over the screen: help (generated from the keymap), the command palette,
//! menus, prompts and confirmations. (Messages take the key-hint line; see `chrome::toast`.)

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::format::fit;
use crate::tui::help::{self, HelpView};
use crate::tui::keymap::Keymap;
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
        Some(Overlay::Help(view)) => help(frame, area, state, view, theme, keymap),
        Some(Overlay::Palette(palette)) => palette_box(frame, area, state, palette, theme, keymap),
        Some(Overlay::Menu(menu)) => menu_box(frame, area, menu, theme),
        Some(Overlay::Picker(picker)) => picker_box(frame, area, picker, theme),
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

fn help(frame: &mut Frame<'_>, area: Rect, state: &State, view: &HelpView, theme: &Theme, keymap: &Keymap) {
    let (width, height, text_width, shown) = help::geometry(area.width, area.height);
    let rect = centred(area, width, height);
    // The help covers its rows from edge to edge: half-hidden text beside it only distracts.
    frame.render_widget(Clear, Rect::new(area.x, rect.y, area.width, rect.height));
    let laid = help::layout(state, keymap, &view.filter.text, text_width);
    let first = view.scroll.min(laid.len().saturating_sub(shown));
    let mut lines: Vec<Line> = laid
        .iter()
        .skip(first)
        .take(shown)
        .map(|line| match line {
            help::Line::Title(title) => Line::from(Span::styled(title.clone(), theme.style(Role::OverlayTitle))),
            help::Line::Key(keys, text) => Line::from(vec![
                Span::styled(fit(keys, help::KEYS_WIDTH), theme.style(Role::KeyHint)),
                Span::styled(text.clone(), theme.style(Role::KeyDesc)),
            ]),
            help::Line::Note(note) => Line::from(Span::styled(note.clone(), theme.style(Role::Muted))),
            help::Line::Blank => Line::default(),
        })
        .collect();
    lines.resize(shown, Line::default());
    let last = (first + shown).min(laid.len());
    let position = format!("lines {}–{last} of {}", first + 1, laid.len());
    let footer = if view.typing {
        input_line("/", &view.filter, theme)
    } else {
        let filter = if view.filter.text.is_empty() {
            String::new()
        } else {
            format!(" · filter {:?}", crate::tui::sanitize::one_line(&view.filter.text))
        };
        Line::from(Span::styled(
            fit(&format!("j/k ↓/↑ scroll · space page · / filter · esc close · {position}{filter}"), text_width),
            theme.style(Role::Muted),
        ))
    };
    lines.push(footer);
    frame.render_widget(Paragraph::new(lines).block(frame_box("Keys", theme)), rect);
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
    let matches = palette.matches(&crate::tui::update::palette_actions(state, keymap));
    let context = help::context(state);
    let rect = centred(area, 64, 14);
    frame.render_widget(Clear, rect);
    let mut lines = vec![input_line(": ", &palette.input, theme)];
    let room = rect.height.saturating_sub(3) as usize;
    let first = palette.selected.saturating_sub(room.saturating_sub(1));
    for (i, action) in matches.iter().enumerate().skip(first).take(room) {
        let role = if i == palette.selected { Role::Selection } else { Role::Text };
        let key = keymap.hint(context, *action).unwrap_or_default();
        let width = rect.width.saturating_sub(2) as usize;
        let text = format!("{:<22}{:<10}{}", action.name(), key, action.description());
        lines.push(Line::from(Span::styled(fit(&text, width), theme.style(role))));
    }
    if matches.is_empty() {
        lines.push(Line::from(Span::styled("no action matches", theme.style(Role::Muted))));
    }
    frame.render_widget(Paragraph::new(lines).block(frame_box("Commands", theme)), rect);
}

fn picker_box(frame: &mut Frame<'_>, area: Rect, picker: &crate::tui::picker::Picker, theme: &Theme) {
    let matches = picker.matches();
    let error_rows = u16::from(picker.error.is_some()) * 2;
    let rect = centred(area, 64, (matches.len() as u16).clamp(1, 12) + 4 + error_rows);
    frame.render_widget(Clear, rect);
    let width = rect.width.saturating_sub(2) as usize;
    let mut lines = vec![input_line("> ", &picker.input, theme), Line::default()];
    let room = (rect.height as usize).saturating_sub(4 + error_rows as usize).max(1);
    let first = picker.selected.saturating_sub(room.saturating_sub(1));
    for (i, item) in matches.iter().enumerate().skip(first).take(room) {
        let role = if i == picker.selected { Role::Selection } else { Role::Text };
        let label = fit(&format!(" {}", item.label), width.min(32));
        let detail = fit(&format!("  {}", item.detail), width.saturating_sub(label.chars().count()));
        lines.push(Line::from(vec![
            Span::styled(label, theme.style(role)),
            Span::styled(detail, theme.style(Role::Muted)),
        ]));
    }
    if matches.is_empty() && picker.error.is_none() {
        lines.push(Line::from(Span::styled(" no one matches; Enter says who can be chosen", theme.style(Role::Muted))));
    }
    if let Some(error) = &picker.error {
        lines.push(Line::from(Span::styled(crate::tui::sanitize::one_line(error), theme.style(Role::StatusError))));
    }
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false }).block(frame_box(&picker.title, theme));
    frame.render_widget(paragraph, rect);
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
    let rows = |text: &str| unicode_width::UnicodeWidthStr::width(text).div_ceil(inner).max(1);
    let error_lines = prompt.error.as_deref().map_or(0, rows);
    let completing = prompt.completion.as_ref();
    let note_lines = completing.and_then(|c| c.note.as_deref()).map_or(0, rows);
    // The box grows down from the middle; what the candidates may take of the rest.
    let room = (area.height / 2).saturating_sub(3 + (error_lines + note_lines) as u16).max(1) as usize;
    let shown = completing.map_or(0, |c| c.candidates.len().min(room));
    let rect = centred(area, 90, 3 + (error_lines + note_lines + shown) as u16);
    let rect = Rect { y: rect.y.min(area.height / 2), ..rect };
    frame.render_widget(Clear, rect);
    let mut lines = vec![input_line("", &prompt.input, theme)];
    if let Some(error) = &prompt.error {
        lines.push(Line::from(Span::styled(crate::tui::sanitize::one_line(error), theme.style(Role::StatusError))));
    }
    if let Some(completion) = completing {
        if let Some(note) = &completion.note {
            lines.push(Line::from(Span::styled(crate::tui::sanitize::one_line(note), theme.style(Role::Muted))));
        }
        lines.extend(candidate_lines(completion, shown, inner, theme));
    }
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false }).block(frame_box(prompt.kind.title(), theme));
    frame.render_widget(paragraph, rect);
}

/// The completion's candidates, `shown` of them around the selected one, each on one line: the
/// value, then what it is; the last line says how many more there are.
fn candidate_lines(
    completion: &crate::tui::complete::Completion,
    shown: usize,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let total = completion.candidates.len();
    // With more than fit, the last row says so.
    let more = total > shown && shown > 1;
    let listed = shown - usize::from(more);
    let selected = completion.selected.unwrap_or(0);
    let first = selected.saturating_sub(listed.saturating_sub(1)).min(total.saturating_sub(listed));
    let label_width = completion.candidates.iter().map(|c| c.label.chars().count()).max().unwrap_or(0).min(width / 2);
    let mut lines: Vec<Line<'static>> = completion
        .candidates
        .iter()
        .enumerate()
        .skip(first)
        .take(listed)
        .map(|(i, candidate)| {
            let role = if completion.selected == Some(i) { Role::Selection } else { Role::Text };
            let label = fit(&format!(" {:<label_width$}", candidate.label), width.min(label_width + 1));
            let detail = fit(&format!("  {}", candidate.detail), width.saturating_sub(label.chars().count()));
            Line::from(vec![Span::styled(label, theme.style(role)), Span::styled(detail, theme.style(Role::Muted))])
        })
        .collect();
    if more {
        let said = format!(" {}–{} of {total} · tab for the next", first + 1, first + listed);
        lines.push(Line::from(Span::styled(fit(&said, width), theme.style(Role::Muted))));
    }
    lines
}
