//! Every built-in theme resolves every role, at every colour depth, with a visible cursor.

use ratatui::style::{Color, Modifier, Style};
use sift::tui::theme::{ColorDepth, Role, Theme};

fn all_builtins() -> Vec<(ColorDepth, Theme)> {
    let mut themes = Vec::new();
    for name in Theme::names_builtin() {
        for depth in ColorDepth::ALL {
            let theme = Theme::load(name, None, depth).unwrap_or_else(|e| panic!("{name} at {depth:?}: {e}"));
            themes.push((depth, theme));
        }
    }
    themes
}

/// The `[roles]` table of a built-in theme file, read from disk.
fn builtin_roles(name: &str) -> toml::Table {
    let path = format!("{}/themes/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut table: toml::Table = text.parse().unwrap_or_else(|e| panic!("{path}: {e}"));
    match table.remove("roles") {
        Some(toml::Value::Table(roles)) => roles,
        other => panic!("{path}: [roles] is {other:?}"),
    }
}

#[test]
fn builtin_names() {
    assert_eq!(Theme::names_builtin(), ["dark", "light", "high-contrast", "ansi16"]);
    assert_eq!(Theme::DEFAULT, "dark");
    for name in Theme::names_builtin() {
        assert_eq!(Theme::builtin(name).unwrap().name(), *name);
    }
}

#[test]
fn every_builtin_defines_every_role_itself() {
    // Stronger than "resolves": no built-in relies on a fallback, so each file is a complete reference.
    for name in Theme::names_builtin() {
        let roles = builtin_roles(name);
        let missing: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).filter(|r| !roles.contains_key(*r)).collect();
        assert!(missing.is_empty(), "{name} does not define {missing:?}");
    }
}

#[test]
fn every_role_is_visible_at_every_depth() {
    for (depth, theme) in all_builtins() {
        let text = theme.style(Role::Text);
        for role in Role::ALL {
            let style = theme.style(role);
            if depth == ColorDepth::None {
                assert_eq!((style.fg, style.bg), (None, None), "{} {role} at {depth:?}", theme.name());
            }
            if let (Some(fg), Some(bg)) = (style.fg, style.bg) {
                assert_ne!(fg, bg, "{} {role} at {depth:?}: fg equals bg", theme.name());
            }
            // A role with a foreground must not paint it on the text background in the same colour.
            if let (Some(fg), None, Some(text_bg)) = (style.fg, style.bg, text.bg) {
                assert_ne!(fg, text_bg, "{} {role} at {depth:?}: invisible on the text background", theme.name());
            }
        }
    }
}

#[test]
fn selection_differs_from_text_in_every_theme_and_depth() {
    for (depth, theme) in all_builtins() {
        for role in [Role::Selection, Role::SelectionInactive, Role::Marked, Role::SearchMatch] {
            assert_ne!(theme.style(role), theme.style(Role::Text), "{} {role} at {depth:?}", theme.name());
        }
        assert_ne!(theme.style(Role::Marked), theme.style(Role::Selection), "{} at {depth:?}", theme.name());
        assert_ne!(theme.style(Role::KeyHint), theme.style(Role::KeyDesc), "{} at {depth:?}", theme.name());
    }
}

#[test]
fn emphasis_roles_carry_a_modifier_for_no_color() {
    // Checked on the files, not the resolved themes: the resolver's REVERSED guard must not hide a lapse here.
    const MODIFIERS: [&str; 5] = ["bold", "italic", "underlined", "reversed", "dim"];
    for name in Theme::names_builtin() {
        let roles = builtin_roles(name);
        for role in [Role::Selection, Role::Marked, Role::KeyHint, Role::TabActive] {
            let entry = roles[role.as_str()].as_table().unwrap();
            let on = |key: &str| entry.get(key).and_then(toml::Value::as_bool) == Some(true);
            assert!(MODIFIERS.iter().any(|m| on(m)), "{name} {role} has no modifier");
            if role == Role::Selection || role == Role::Marked {
                assert!(entry.contains_key("bg") || on("reversed"), "{name} {role} is not a band");
            }
        }
    }
}

#[test]
fn no_color_reverses_highlights_and_keeps_modifiers() {
    let theme = Theme::load("dark", None, ColorDepth::None).unwrap();
    assert_eq!(theme.style(Role::Selection), Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED));
    assert_eq!(
        theme.style(Role::Marked),
        Style::new().add_modifier(Modifier::BOLD | Modifier::ITALIC | Modifier::REVERSED)
    );
    assert_eq!(theme.style(Role::KeyHint), Style::new().bold());
    assert_eq!(theme.style(Role::Text), Style::new());
}

#[test]
fn ansi16_uses_only_named_colours() {
    let full = Theme::builtin("ansi16").unwrap();
    for depth in [ColorDepth::Ansi256, ColorDepth::Ansi16] {
        let theme = Theme::load("ansi16", None, depth).unwrap();
        for role in Role::ALL {
            let style = theme.style(role);
            assert_eq!(style, full.style(role), "ansi16 {role} changed at {depth:?}");
            for color in [style.fg, style.bg].into_iter().flatten() {
                assert!(!matches!(color, Color::Rgb(..) | Color::Indexed(_)), "ansi16 {role}: {color:?}");
            }
        }
    }
}

#[test]
fn downsampled_builtins_use_only_that_depth() {
    for (depth, theme) in all_builtins() {
        for role in Role::ALL {
            let style = theme.style(role);
            for color in [style.fg, style.bg].into_iter().flatten() {
                let ok = match depth {
                    ColorDepth::TrueColor => true,
                    ColorDepth::Ansi256 => !matches!(color, Color::Rgb(..)),
                    ColorDepth::Ansi16 => !matches!(color, Color::Rgb(..) | Color::Indexed(_)),
                    ColorDepth::None => false,
                };
                assert!(ok, "{} {role} at {depth:?}: {color:?}", theme.name());
            }
        }
    }
}

#[test]
fn dark_at_each_depth() {
    let style = |depth| Theme::load("dark", None, depth).unwrap().style(Role::LevelError);
    assert_eq!(style(ColorDepth::TrueColor), Style::new().fg(Color::Rgb(0xff, 0x5f, 0x5f)).bold());
    assert_eq!(style(ColorDepth::Ansi256), Style::new().fg(Color::Indexed(203)).bold());
    assert_eq!(style(ColorDepth::Ansi16), Style::new().fg(Color::LightRed).bold());
    assert_eq!(style(ColorDepth::None), Style::new().bold());
}

#[test]
fn syntect_pairings() {
    let names: Vec<String> =
        Theme::names_builtin().iter().map(|n| Theme::builtin(n).unwrap().syntect_name().to_string()).collect();
    assert_eq!(names, ["base16-ocean.dark", "InspiredGitHub", "base16-eighties.dark", "base16-ocean.dark"]);
}
