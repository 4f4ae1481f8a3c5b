//! User themes: patching built-ins through `parent`, and role fallbacks.

use ratatui::style::{Color, Modifier, Style};
use sift::tui::theme::{ColorDepth, DEFAULT_SYNTECT, Role, Theme};

use super::fixtures;

fn user(name: &str) -> Theme {
    Theme::load(name, Some(&fixtures("user_themes")), ColorDepth::TrueColor).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_user_file_named_like_a_builtin_patches_it() {
    let builtin = Theme::builtin("dark").unwrap();
    let patched = user("dark");
    assert_eq!(patched.style(Role::LevelError), Style::new().fg(Color::Rgb(255, 0, 0)).underlined());
    for role in Role::ALL.into_iter().filter(|r| *r != Role::LevelError) {
        assert_eq!(patched.style(role), builtin.style(role), "{role}");
    }
    assert_eq!(patched.syntect_name(), "base16-ocean.dark");
}

#[test]
fn parent_chains_stack_patches() {
    // mine -> dark (user patch) -> dark (built-in)
    let mine = user("mine");
    assert_eq!(mine.name(), "mine");
    assert_eq!(mine.style(Role::Selection), Style::new().fg(Color::Black).bg(Color::Rgb(0, 255, 0)));
    assert_eq!(mine.style(Role::LevelError), user("dark").style(Role::LevelError));
    assert_eq!(mine.style(Role::Text), Theme::builtin("dark").unwrap().style(Role::Text));
    assert_eq!(mine.syntect_name(), "Solarized (dark)");
}

#[test]
fn a_parent_with_the_files_own_name_is_the_builtin() {
    let light = user("light");
    assert_eq!(light.style(Role::Text), Style::new().fg(Color::Indexed(236)));
    assert_eq!(light.style(Role::Title), Theme::builtin("light").unwrap().style(Role::Title));
}

#[test]
fn builtin_ignores_user_files() {
    assert_eq!(Theme::load("dark", None, ColorDepth::TrueColor).unwrap(), Theme::builtin("dark").unwrap());
    assert_ne!(user("dark"), Theme::builtin("dark").unwrap());
}

#[test]
fn fallback_chains_fill_undefined_roles() {
    let theme = user("partial");
    let text = Style::new().fg(Color::Rgb(0xaa, 0xaa, 0xaa));
    let error = Style::new().fg(Color::Rgb(255, 0, 0)).bold();
    let selection = Style::new().bg(Color::Rgb(0, 0, 255));
    assert_eq!(theme.style(Role::Text), text);
    // badge_regressed -> level_error; level_fatal -> level_error; status_error -> level_error
    for role in [Role::BadgeRegressed, Role::LevelFatal, Role::StatusError, Role::PriorityHigh, Role::CrashLine] {
        assert_eq!(theme.style(role), error, "{role}");
    }
    // marked, selection_inactive -> selection; cursor_line -> selection_inactive -> selection
    for role in [Role::Marked, Role::SelectionInactive, Role::CursorLine, Role::SearchMatch] {
        assert_eq!(theme.style(role), selection, "{role}");
    }
    // key_hint, header -> title; dim -> muted -> text
    assert_eq!(theme.style(Role::KeyHint), Style::new().bold());
    assert_eq!(theme.style(Role::Header), Style::new().bold());
    assert_eq!(theme.style(Role::Dim), text);
    assert_eq!(theme.style(Role::LineNumber), text);
    // status_bar falls back to text, and a highlight that looks like text gets reversed.
    assert_eq!(theme.style(Role::StatusBar), text.add_modifier(Modifier::REVERSED));
    assert_eq!(theme.syntect_name(), DEFAULT_SYNTECT);
}

#[test]
fn an_empty_theme_still_shows_the_cursor() {
    for depth in ColorDepth::ALL {
        let theme = Theme::load("bare", Some(&fixtures("user_themes")), depth).unwrap();
        assert_eq!(theme.style(Role::Text), Style::new());
        assert_eq!(theme.style(Role::Selection), Style::new().add_modifier(Modifier::REVERSED));
        assert_eq!(theme.style(Role::LevelError), Style::new());
    }
}

#[test]
fn user_themes_are_downsampled_too() {
    let theme = Theme::load("mine", Some(&fixtures("user_themes")), ColorDepth::Ansi16).unwrap();
    assert_eq!(theme.style(Role::Selection), Style::new().fg(Color::Black).bg(Color::LightGreen));
    assert_eq!(theme.depth(), ColorDepth::Ansi16);
}
