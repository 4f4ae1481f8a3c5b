//! Colour depth detection and downsampling.

use ratatui::style::{Color, Modifier, Style};
use sift::tui::theme::ColorDepth;

fn detect(vars: &[(&str, &str)]) -> ColorDepth {
    let env = |key: &str| vars.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string());
    ColorDepth::detect(&env)
}

#[test]
fn detection_table() {
    let cases: [(&[(&str, &str)], ColorDepth); 10] = [
        (&[("NO_COLOR", "1"), ("COLORTERM", "truecolor")], ColorDepth::None),
        (&[("NO_COLOR", ""), ("COLORTERM", "truecolor")], ColorDepth::TrueColor),
        (&[("COLORTERM", "truecolor"), ("TERM", "xterm")], ColorDepth::TrueColor),
        (&[("COLORTERM", "24bit")], ColorDepth::TrueColor),
        (&[("COLORTERM", "TrueColor")], ColorDepth::TrueColor),
        (&[("TERM", "xterm-256color")], ColorDepth::Ansi256),
        (&[("COLORTERM", "yes"), ("TERM", "screen-256color")], ColorDepth::Ansi256),
        (&[("TERM", "dumb"), ("COLORTERM", "truecolor")], ColorDepth::None),
        (&[("TERM", "xterm")], ColorDepth::Ansi16),
        (&[], ColorDepth::Ansi16),
    ];
    for (vars, expected) in cases {
        assert_eq!(detect(vars), expected, "{vars:?}");
    }
}

#[test]
fn rgb_to_256_and_16() {
    // (rgb, xterm-256 index, nearest of the 16 ANSI colours)
    let cases = [
        ((255, 0, 0), 196, Color::LightRed),
        ((0, 0, 0), 16, Color::Black),
        ((255, 255, 255), 231, Color::White),
        ((128, 128, 128), 244, Color::DarkGray),
        ((208, 208, 208), 252, Color::Gray),
        ((135, 175, 255), 111, Color::LightBlue),
        ((255, 95, 95), 203, Color::LightRed),
        ((0, 95, 135), 24, Color::Cyan),
        ((0, 175, 0), 34, Color::Green),
        ((12, 12, 12), 232, Color::Black),
    ];
    for ((r, g, b), index, named) in cases {
        let rgb = Color::Rgb(r, g, b);
        assert_eq!(ColorDepth::Ansi256.adapt_color(rgb), Some(Color::Indexed(index)), "{rgb:?} to 256");
        assert_eq!(ColorDepth::Ansi16.adapt_color(rgb), Some(named), "{rgb:?} to 16");
        assert_eq!(ColorDepth::Ansi16.adapt_color(Color::Indexed(index)), Some(named), "{index} to 16");
    }
}

#[test]
fn named_and_low_indexed_colours() {
    assert_eq!(ColorDepth::Ansi256.adapt_color(Color::Red), Some(Color::Red));
    assert_eq!(ColorDepth::Ansi256.adapt_color(Color::Indexed(33)), Some(Color::Indexed(33)));
    assert_eq!(ColorDepth::Ansi16.adapt_color(Color::Indexed(3)), Some(Color::Yellow));
    assert_eq!(ColorDepth::Ansi16.adapt_color(Color::Indexed(8)), Some(Color::DarkGray));
    assert_eq!(ColorDepth::Ansi16.adapt_color(Color::Reset), Some(Color::Reset));
    assert_eq!(ColorDepth::TrueColor.adapt_color(Color::Rgb(1, 2, 3)), Some(Color::Rgb(1, 2, 3)));
    assert_eq!(ColorDepth::None.adapt_color(Color::Red), None);
}

#[test]
fn no_color_strips_colours_and_keeps_modifiers() {
    let style = Style::new().fg(Color::Rgb(1, 2, 3)).bg(Color::Red).add_modifier(Modifier::BOLD | Modifier::ITALIC);
    assert_eq!(ColorDepth::None.adapt_style(style), Style::new().add_modifier(Modifier::BOLD | Modifier::ITALIC));
    assert_eq!(ColorDepth::Ansi16.adapt_style(style), style.fg(Color::Black));
}
