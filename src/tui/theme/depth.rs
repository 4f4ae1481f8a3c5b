//! How many colours the terminal can show, and fitting styles to that.
//!
//! `ColorDepth::detect` reads the environment through an injected lookup (tests pass a closure; the binary
//! passes `std::env::var`), in this order: `NO_COLOR` set and non-empty => `None`; `TERM=dumb` => `None`;
//! `COLORTERM` of `truecolor` or `24bit` => `TrueColor`; `TERM` containing `256color` => `Ansi256`; else
//! `Ansi16`. `adapt_style` downsamples colours (see `palette`) and, at `None`, strips every colour but keeps
//! the modifiers, so bold, reversed and underlined still carry meaning without colour.

use ratatui::style::{Color, Style};

use super::palette::{to_ansi16, to_ansi256};

/// The colour capability of the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ColorDepth {
    /// 24-bit RGB; colours are used as written.
    #[default]
    TrueColor,
    /// The xterm 256-colour palette.
    Ansi256,
    /// The 16 named ANSI colours.
    Ansi16,
    /// No colour at all (NO_COLOR or a dumb terminal); only modifiers remain.
    None,
}

impl ColorDepth {
    /// Every depth, richest first.
    pub const ALL: [ColorDepth; 4] = [ColorDepth::TrueColor, ColorDepth::Ansi256, ColorDepth::Ansi16, ColorDepth::None];

    /// Detects the depth from environment variables read through `env` (a missing variable is `None`).
    pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> ColorDepth {
        if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return ColorDepth::None;
        }
        let term = env("TERM").unwrap_or_default();
        if term == "dumb" {
            return ColorDepth::None;
        }
        let colorterm = env("COLORTERM").unwrap_or_default().to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return ColorDepth::TrueColor;
        }
        if term.contains("256color") {
            return ColorDepth::Ansi256;
        }
        ColorDepth::Ansi16
    }

    /// Fits one colour to this depth; `None` means "no colour" (leave the cell's colour alone).
    pub fn adapt_color(self, color: Color) -> Option<Color> {
        match self {
            ColorDepth::TrueColor => Some(color),
            ColorDepth::Ansi256 => Some(to_ansi256(color)),
            ColorDepth::Ansi16 => Some(to_ansi16(color)),
            ColorDepth::None => None,
        }
    }

    /// Fits a style to this depth: colours are downsampled or stripped, modifiers are always kept.
    pub fn adapt_style(self, style: Style) -> Style {
        let mut out = Style::new().add_modifier(style.add_modifier);
        if let Some(fg) = style.fg.and_then(|c| self.adapt_color(c)) {
            out = out.fg(fg);
        }
        if let Some(bg) = style.bg.and_then(|c| self.adapt_color(c)) {
            out = out.bg(bg);
        }
        out
    }
}
