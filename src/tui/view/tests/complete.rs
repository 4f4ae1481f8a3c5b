//! Snapshots of tab completion under the search prompt, driven through the reducer as a user
//! types: keys offered from the syntax and the server's tags, a tag's values with the one tab
//! put in marked, more candidates than fit, the wait for the server, and a dead end said.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::api::{TagKey, TagValue};
use crate::tui::fixtures::ctx;
use crate::tui::msg::{Effect, Msg};
use crate::tui::update::update;

fn press(state: &mut State, code: KeyCode) -> Vec<Effect> {
    let keymap = Keymap::defaults();
    update(state, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), &ctx(&keymap))
}

/// Presses tab `n` times.
fn tabs(state: &mut State, n: usize) {
    for _ in 0..n {
        press(state, KeyCode::Tab);
    }
}

/// Types `text` in place of what the prompt holds, then presses tab once.
fn typed(state: &mut State, text: &str) {
    let keymap = Keymap::defaults();
    let clear = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
    update(state, Msg::Key(clear), &ctx(&keymap));
    for c in text.chars() {
        press(state, KeyCode::Char(c));
    }
    tabs(state, 1);
}

fn tag(key: &str, unique: u64) -> TagKey {
    TagKey { key: key.into(), name: key.into(), unique_values: Some(unique), ..TagKey::default() }
}

fn value(key: &str, text: &str, count: u64) -> TagValue {
    TagValue { key: key.into(), name: text.into(), value: Some(text.into()), count, ..TagValue::default() }
}

/// The list with the search prompt open and the server's tag keys read.
fn searching() -> State {
    let mut state = sized(state_with(issues()), 40);
    let effects = press(&mut state, KeyCode::Char('/'));
    let req = effects.iter().find_map(|e| match e {
        Effect::FetchTagKeys { req, .. } => Some(*req),
        _ => None,
    });
    let keys = vec![tag("browser", 3), tag("browser.name", 2), tag("release", 4), tag("server_name", 2)];
    let keymap = Keymap::defaults();
    update(&mut state, Msg::TagKeysLoaded { req: req.unwrap(), result: Ok(keys) }, &ctx(&keymap));
    state
}

fn answer(state: &mut State, tag: &str, text: &str, values: Vec<TagValue>) {
    let keymap = Keymap::defaults();
    let msg = Msg::TagValuesLoaded { tag: tag.into(), text: text.into(), result: Ok(values) };
    update(state, msg, &ctx(&keymap));
}

#[test]
fn keys_complete_from_the_syntax_and_the_servers_tags() {
    let mut keys = searching();
    typed(&mut keys, "level:error bro");
    snapshot("complete_keys", &keys);
    let screen = text(&keys, 80, 24);
    assert!(screen.contains("level:error browser") && screen.contains("browser.name"), "{screen}");
    assert!(screen.contains("tag · 3 values"), "{screen}");
}

#[test]
fn a_tags_values_show_with_counts_and_tab_marks_the_one_put_in() {
    let mut values = searching();
    typed(&mut values, "release:");
    let waiting = values.clone();
    snapshot("complete_waiting", &waiting);
    assert!(text(&waiting, 80, 24).contains("reading values…"));
    answer(&mut values, "release", "", vec![value("release", "shop@1.0.0", 2), value("release", "shop@0.9.1", 31)]);
    tabs(&mut values, 2);
    snapshot("complete_values", &values);
    let screen = text(&values, 80, 24);
    assert!(screen.contains("release:shop@1.0.0") && screen.contains("the newest release"), "{screen}");
    assert!(screen.contains("31 events"), "{screen}");
    // The candidate tab put in carries the selection style; the others do not.
    let theme = Theme::builtin("dark").unwrap();
    let terminal = terminal(&values, 80, 24, &theme);
    let buffer = terminal.backend().buffer();
    let row = |label: &str| screen.lines().position(|l| l.contains(&format!(" {label}  "))).unwrap() as u16;
    let selection = theme.style(Role::Selection).bg;
    assert_eq!(buffer[(3, row("shop@1.0.0"))].style().bg, selection, "{screen}");
    assert_ne!(buffer[(3, row("shop@0.9.1"))].style().bg, selection, "{screen}");
}

#[test]
fn more_candidates_than_fit_say_how_many_and_a_dead_end_says_why() {
    let mut many = searching();
    typed(&mut many, "browser:");
    let browsers: Vec<TagValue> = (0..30).map(|n| value("browser", &format!("Chrome {}", 100 + n), 30 - n)).collect();
    answer(&mut many, "browser", "", browsers);
    tabs(&mut many, 12);
    snapshot("complete_many", &many);
    let small = text(&many, 80, 24);
    assert!(small.contains("Chrome 111") && small.contains("of 30 · tab for the next"), "{small}");

    let mut nothing = searching();
    typed(&mut nothing, "timesSeen:");
    snapshot("complete_nothing", &nothing);
    assert!(text(&nothing, 80, 24).contains("timesSeen: takes a number of events"));
}
