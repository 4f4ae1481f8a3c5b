//! The event renderer: any JSON as the Web API's event, drawn in every section of the opened
//! issue at 80x24. Nothing drawn may be a control, bidi or zero-width character.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sift::api::models::Event;
use sift::tui::detail::{Detail, EventPick, Section};
use sift::tui::keymap::Keymap;
use sift::tui::state::{ListData, Load, Row, State};
use sift::tui::theme::Theme;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let Ok(event) = Event::from_json(json) else { return };
    let issue: sift::api::Issue = serde_json::from_value(serde_json::json!({
        "id": "1", "shortId": "FUZZ-1", "title": event.title, "level": "error", "status": "unresolved",
        "count": "3", "userCount": 1, "project": { "id": "1", "slug": "fuzz", "name": "fuzz" }
    }))
    .unwrap_or_default();
    let (theme, keymap) = (Theme::builtin("dark").expect("theme"), Keymap::defaults());
    let now = chrono::DateTime::from_timestamp(1_795_348_800, 0).unwrap_or_default();
    for section in Section::ALL {
        let mut state = State::default();
        state.list.data = Load::Ready(ListData { rows: vec![Row { issue: issue.clone(), pending: None, changed: false }], hits: None, next_cursor: None });
        let mut detail = Detail::new("1".into());
        detail.pick = Some(EventPick::Recommended);
        detail.section = section;
        detail.set_json(&event);
        detail.event = Load::Ready(event.clone());
        state.detail = Some(detail);
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        terminal.draw(|frame| sift::tui::view::draw(frame, &state, &theme, &keymap, now)).expect("draw");
        for cell in terminal.backend().buffer().content() {
            for c in cell.symbol().chars() {
                assert!(!c.is_control(), "a control character was drawn: {c:?}");
                assert!(!matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'), "{c:?}");
            }
        }
    }
});
