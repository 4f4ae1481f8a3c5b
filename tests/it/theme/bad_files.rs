//! Each file in `tests/bad_themes/` fails with exactly this message.

use sift::tui::theme::{COLOR_NAMES, ColorDepth, Role, Theme, ThemeError};

use super::fixtures;

fn load_err(name: &str) -> String {
    match Theme::load(name, Some(&fixtures("bad_themes")), ColorDepth::TrueColor) {
        Ok(_) => panic!("{name} loaded but should fail"),
        Err(e) => e.to_string(),
    }
}

fn path(name: &str) -> String {
    fixtures("bad_themes").join(format!("{name}.toml")).display().to_string()
}

fn colour_help() -> String {
    let names: Vec<&str> = COLOR_NAMES.iter().map(|(n, _)| *n).collect();
    format!("use `#rrggbb`, `indexed:N` (0-255), `reset` or one of: {}", names.join(", "))
}

#[test]
fn colour_names_are_the_documented_ones() {
    let names: Vec<&str> = COLOR_NAMES.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names.join(" "),
        "black red green yellow blue magenta cyan white bright_black bright_red bright_green bright_yellow \
         bright_blue bright_magenta bright_cyan bright_white gray grey dark_gray dark_grey"
    );
}

#[test]
fn unknown_role() {
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(
        load_err("unknown-role"),
        format!(
            "{}: unknown role `levle_error` in [roles] (did you mean `level_error`?); valid roles: {}",
            path("unknown-role"),
            roles.join(", ")
        )
    );
}

#[test]
fn bad_hex_colour() {
    assert_eq!(
        load_err("bad-hex"),
        format!(
            "{}: bad colour \"#12345\" in `text.fg` (hex colours need exactly six hex digits after `#`); {}",
            path("bad-hex"),
            colour_help()
        )
    );
}

#[test]
fn bad_colour_name() {
    assert_eq!(
        load_err("bad-name"),
        format!("{}: bad colour \"purple\" in `text.fg` (unknown colour name); {}", path("bad-name"), colour_help())
    );
}

#[test]
fn bad_colour_index() {
    assert_eq!(
        load_err("bad-index"),
        format!(
            "{}: bad colour \"indexed:256\" in `selection.bg` (`indexed:` needs a whole number from 0 to 255); {}",
            path("bad-index"),
            colour_help()
        )
    );
}

#[test]
fn unknown_top_level_key() {
    assert_eq!(
        load_err("unknown-key"),
        format!(
            "{}: unknown key `author` in the top level; valid keys: name, parent, syntect, roles",
            path("unknown-key")
        )
    );
}

#[test]
fn unknown_role_field() {
    assert_eq!(
        load_err("unknown-field"),
        format!(
            "{}: unknown key `blink` in [roles] entry `text`; valid keys: fg, bg, bold, italic, underlined, \
             reversed, dim",
            path("unknown-field")
        )
    );
}

#[test]
fn parent_cycle() {
    assert_eq!(
        load_err("cycle-a"),
        format!(
            "{}: theme parent cycle cycle-a -> cycle-b -> cycle-a; remove `parent` from one of these themes",
            path("cycle-b")
        )
    );
    assert!(matches!(
        Theme::load("cycle-b", Some(&fixtures("bad_themes")), ColorDepth::None),
        Err(ThemeError::ParentCycle { .. })
    ));
}

#[test]
fn self_parent_without_a_builtin_is_a_cycle() {
    assert_eq!(
        load_err("self-parent"),
        format!(
            "{}: theme parent cycle self-parent -> self-parent; remove `parent` from one of these themes",
            path("self-parent")
        )
    );
}

#[test]
fn parent_missing() {
    assert_eq!(
        load_err("parent-missing"),
        format!(
            "{}: parent theme `no-such-theme` not found (no {}); built-in themes: dark, light, high-contrast, ansi16",
            path("parent-missing"),
            path("no-such-theme")
        )
    );
}

#[test]
fn name_mismatch() {
    assert_eq!(
        load_err("name-mismatch"),
        format!(
            "{}: `name = \"someone-else\"` does not match the file name; set `name = \"name-mismatch\"` or rename \
             the file",
            path("name-mismatch")
        )
    );
}

#[test]
fn toml_syntax_error() {
    assert_eq!(
        load_err("syntax"),
        format!("{}: invalid TOML at line 4, column 20: unclosed inline table, expected `}}`", path("syntax"))
    );
}

#[test]
fn theme_not_found() {
    assert_eq!(
        load_err("nope"),
        format!("theme `nope` not found (no {}); built-in themes: dark, light, high-contrast, ansi16", path("nope"))
    );
    assert_eq!(
        Theme::builtin("nope").map(|_| ()).unwrap_err().to_string(),
        "theme `nope` not found; built-in themes: dark, light, high-contrast, ansi16"
    );
}

#[test]
fn theme_names_cannot_escape_the_folder() {
    assert_eq!(
        load_err("../user_themes/dark"),
        "invalid theme name \"../user_themes/dark\": use only letters, digits, `-` and `_`"
    );
}
