//! The colour syntax of theme files, and nothing else.
//!
//! A colour is one of: `#rrggbb` (six hex digits, either case), one of the ANSI names in [`COLOR_NAMES`],
//! `indexed:N` with `N` in 0..=255 (xterm-256 palette), or `reset` (the terminal's default colour). ANSI names
//! follow the terminal's numbering, not ratatui's identifiers: `white` is ANSI 7 (ratatui `Gray`) and
//! `bright_white` is ANSI 15 (ratatui `White`). Parsing never consults the colour depth; downsampling happens
//! later, in `depth`.

use ratatui::style::Color;

/// Every accepted colour name with the colour it means, in ANSI order, then aliases.
pub const COLOR_NAMES: [(&str, Color); 20] = [
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("white", Color::Gray),
    ("bright_black", Color::DarkGray),
    ("bright_red", Color::LightRed),
    ("bright_green", Color::LightGreen),
    ("bright_yellow", Color::LightYellow),
    ("bright_blue", Color::LightBlue),
    ("bright_magenta", Color::LightMagenta),
    ("bright_cyan", Color::LightCyan),
    ("bright_white", Color::White),
    ("gray", Color::Gray),
    ("grey", Color::Gray),
    ("dark_gray", Color::DarkGray),
    ("dark_grey", Color::DarkGray),
];

/// Why a colour string was rejected; the caller adds the file, role and the list of valid forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColorProblem {
    /// `#` followed by something other than exactly six hex digits.
    BadHex,
    /// `indexed:` followed by something other than an integer in 0..=255.
    BadIndex,
    /// Not a hex colour, not `indexed:N`, not `reset`, and not a known name.
    UnknownName,
}

impl ColorProblem {
    /// A short explanation for error messages.
    pub fn reason(&self) -> &'static str {
        match self {
            ColorProblem::BadHex => "hex colours need exactly six hex digits after `#`",
            ColorProblem::BadIndex => "`indexed:` needs a whole number from 0 to 255",
            ColorProblem::UnknownName => "unknown colour name",
        }
    }
}

/// The accepted colour names, comma separated, for error messages.
pub fn color_names_joined() -> String {
    COLOR_NAMES.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
}

/// Parses one colour in theme-file syntax.
pub fn parse_color(text: &str) -> Result<Color, ColorProblem> {
    if let Some(hex) = text.strip_prefix('#') {
        return parse_hex(hex).ok_or(ColorProblem::BadHex);
    }
    if let Some(index) = text.strip_prefix("indexed:") {
        return index.parse::<u8>().map(Color::Indexed).map_err(|_| ColorProblem::BadIndex);
    }
    if text == "reset" {
        return Ok(Color::Reset);
    }
    COLOR_NAMES.iter().find(|(name, _)| *name == text).map(|(_, color)| *color).ok_or(ColorProblem::UnknownName)
}

fn parse_hex(hex: &str) -> Option<Color> {
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |at: usize| u8::from_str_radix(hex.get(at..at + 2)?, 16).ok();
    Some(Color::Rgb(channel(0)?, channel(2)?, channel(4)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!(parse_color("#ff5F00"), Ok(Color::Rgb(255, 95, 0)));
        assert_eq!(parse_color("white"), Ok(Color::Gray));
        assert_eq!(parse_color("bright_white"), Ok(Color::White));
        assert_eq!(parse_color("dark_grey"), Ok(Color::DarkGray));
        assert_eq!(parse_color("indexed:0"), Ok(Color::Indexed(0)));
        assert_eq!(parse_color("indexed:255"), Ok(Color::Indexed(255)));
        assert_eq!(parse_color("reset"), Ok(Color::Reset));
    }

    #[test]
    fn rejects_malformed_colours() {
        assert_eq!(parse_color("#12345"), Err(ColorProblem::BadHex));
        assert_eq!(parse_color("#1234567"), Err(ColorProblem::BadHex));
        assert_eq!(parse_color("#12345g"), Err(ColorProblem::BadHex));
        assert_eq!(parse_color("#ééé"), Err(ColorProblem::BadHex));
        assert_eq!(parse_color("indexed:256"), Err(ColorProblem::BadIndex));
        assert_eq!(parse_color("indexed:-1"), Err(ColorProblem::BadIndex));
        assert_eq!(parse_color("Red"), Err(ColorProblem::UnknownName));
        assert_eq!(parse_color("light_red"), Err(ColorProblem::UnknownName));
    }
}
