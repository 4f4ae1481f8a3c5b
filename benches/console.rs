//! Console benchmarks: frame render time for a 10,000-issue list (rows are virtualised),
//! keypress-to-frame time for `j`, and the bytes written to a real crossterm backend per `j` at
//! 120x40. The opened issue: a 60-frame Python trace with its selected frame highlighted (warm),
//! `j` through those frames, what the first highlight costs (it runs on a worker thread, never
//! in the draw), and the big events: 1,000 frames, 10,000 breadcrumbs, 1 MB strings. Cold start
//! to the first frame is measured by `benches/console_start.sh` (it needs a real terminal).
//! Results go to stdout and `target/bench-results/console.md`.

#![allow(clippy::expect_used, reason = "a benchmark: a failure should stop it loudly")]

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use serde_json::json;
use sift::api::Issue;
use sift::tui::keymap::Keymap;
use sift::tui::msg::Msg;
use sift::tui::state::{Alerts, ListData, Load, Row, Source, State};
use sift::tui::theme::Theme;
use sift::tui::update::{Ctx, update};
use sift::tui::view::draw;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ISSUES: usize = 10_000;
const ROUNDS: usize = 2_000;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_348_800, 0).unwrap_or_default()
}

fn issue(i: usize) -> Issue {
    let hour = now().timestamp() / 3600 * 3600;
    let stats: Vec<_> = (0..24).map(|h| json!([hour - (23 - h) * 3600, (h as usize * i) % 11])).collect();
    let level = ["error", "warning", "fatal", "info"][i % 4];
    let substatus = ["new", "ongoing", "regressed", "escalating"][i % 4];
    let priority = ["high", "medium", "low"][i % 3];
    serde_json::from_value(json!({
        "id": i.to_string(), "shortId": format!("BACKEND-{i}"),
        "title": format!("ValueError: invalid literal for int() with base 10: 'row {i}'"),
        "culprit": format!("app.workers.import in parse_row_{}", i % 97),
        "level": level, "status": "unresolved",
        "substatus": substatus, "priority": priority,
        "count": (i * 37 % 100_000).to_string(), "userCount": i % 500,
        "firstSeen": (now() - chrono::Duration::hours(i as i64)).to_rfc3339(),
        "lastSeen": (now() - chrono::Duration::minutes(i as i64)).to_rfc3339(),
        "project": { "id": "1", "slug": "backend" }, "stats": { "24h": stats },
        "assignedTo": if i.is_multiple_of(5) { json!({ "type": "user", "id": "1", "name": "Ana" }) } else { json!(null) },
    }))
    .expect("issue")
}

fn state() -> State {
    let source = Source {
        label: "embedded".into(),
        url: "http://127.0.0.1:9000".into(),
        org: "local".into(),
        dsn: Some("http://3f2c7b0e9a1d4c5e8f6a7b8c9d0e1f2a@127.0.0.1:9000/1".into()),
    };
    let mut state = State::new(source, Duration::from_secs(15), Alerts::default());
    let rows = (0..ISSUES).map(|i| Row { issue: issue(i), pending: None, changed: i % 17 == 0 }).collect();
    state.list.data = Load::Ready(ListData { rows, hits: Some(ISSUES as u64), next_cursor: None });
    state.page_rows = 34;
    state
}

/// Counts the bytes a backend writes.
#[derive(Clone, Default)]
struct Counter(std::rc::Rc<std::cell::Cell<usize>>);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A crossterm backend writing into a byte counter, with a fixed 120x40 viewport (no tty
/// needed).
fn fixed_terminal(counter: &Counter) -> Terminal<CrosstermBackend<Counter>> {
    let options = TerminalOptions { viewport: Viewport::Fixed(Rect::new(0, 0, 120, 40)) };
    Terminal::with_options(CrosstermBackend::new(counter.clone()), options).expect("terminal")
}

/// A Python event: one exception with `frames` in-app frames, each with 11 lines of source and
/// locals, `crumbs` breadcrumbs, and `huge` bytes of text in the message, a local and a crumb.
fn big_event(frames: usize, crumbs: usize, huge: usize) -> sift::api::models::Event {
    const CATEGORIES: [&str; 3] = ["httplib", "query", "ui.click"];
    const LEVELS: [&str; 4] = ["info", "warning", "error", "debug"];
    let at = now() - chrono::Duration::minutes(3);
    let long = "x".repeat(huge);
    let frames: Vec<_> = (0..frames)
        .map(|i| {
            let line = 20 + i as u64;
            let context: Vec<_> = (line - 5..=line + 5)
                .map(|n| {
                    json!([
                        n,
                        format!(
                            "    result = handler_{n}(request, payload={{'id': {n}, 'name': \"row {n}\"}})  # step"
                        )
                    ])
                })
                .collect();
            json!({
                "filename": format!("app/handlers/step_{i}.py"), "function": format!("handle_{i}"),
                "module": format!("app.handlers.step_{i}"), "lineNo": line, "inApp": true, "context": context,
                "vars": { "request": "<WSGIRequest: POST '/import'>", "payload": { "id": i, "blob": long }, "i": i },
            })
        })
        .collect();
    let breadcrumbs: Vec<_> = (0..crumbs)
        .map(|i| {
            json!({
                "type": "http", "category": CATEGORIES[i % 3], "level": LEVELS[i % 4],
                "message": if i == 0 { long.clone() } else { format!("GET https://api.example.com/items/{i} [200]") },
                "data": { "status_code": 200, "i": i },
                "timestamp": (at - chrono::Duration::milliseconds((crumbs - i) as i64 * 10)).to_rfc3339(),
            })
        })
        .collect();
    let value = json!({
        "id": "9ec79c33ec9942ab8353589fcb2e04dc", "eventID": "9ec79c33ec9942ab8353589fcb2e04dc", "groupID": "1",
        "title": "ValueError: bad row", "message": long, "platform": "python", "dateCreated": at.to_rfc3339(),
        "tags": [{ "key": "environment", "value": "production" }],
        "entries": [
            { "type": "exception", "data": { "values": [{ "type": "ValueError", "value": format!("bad row {long}"),
                "mechanism": { "type": "generic", "handled": false }, "stacktrace": { "frames": frames } }] } },
            { "type": "breadcrumbs", "data": { "values": breadcrumbs } },
        ],
    });
    sift::api::models::Event::from_json(value).expect("event")
}

/// `state` with issue 0 opened on `event`, in `section`.
fn opened(mut state: State, event: sift::api::models::Event, section: sift::tui::detail::Section) -> State {
    let mut detail = sift::tui::detail::Detail::new("0".into());
    detail.pick = Some(sift::tui::detail::EventPick::Recommended);
    detail.section = section;
    detail.set_json(&event);
    detail.event = Load::Ready(event);
    state.detail = Some(detail);
    state
}

/// Highlights every shown frame's source, as the worker thread would, and hands it to the detail.
fn highlight_all(state: &mut State, theme: &Theme) {
    let Some(detail) = state.detail.as_mut() else { return };
    let Load::Ready(event) = &detail.event else { return };
    let mut done = Vec::new();
    for frame in sift::tui::detail::shown_frames(event, detail.newest_first, detail.all_frames, detail.minified) {
        let language = sift::highlight::Language::detect(frame.filename.as_deref(), Some("python"));
        let lines: Vec<&str> = frame.context.iter().map(|c| c.text.as_str()).collect();
        let highlighted = sift::highlight::Highlighter::shared().highlight(language, theme.syntect_name(), &lines);
        done.push((sift::tui::detail::frame_key(frame), std::sync::Arc::new(highlighted)));
    }
    detail.highlighted.extend(done);
}

/// Draw times (ms) of `rounds` frames of `state`.
fn draw_times(state: &State, theme: &Theme, keymap: &Keymap, rounds: usize) -> Vec<f64> {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            terminal.draw(|frame| draw(frame, state, theme, keymap, now())).expect("draw");
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}

/// Keypress-to-frame times (ms): `key(round, state)` picks each round's key (and may reset
/// the state), the reducer takes it, and the frame is drawn.
fn key_times(
    state: &mut State,
    theme: &Theme,
    keymap: &Keymap,
    rounds: usize,
    mut key: impl FnMut(usize, &mut State) -> KeyEvent,
) -> Vec<f64> {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    (0..rounds)
        .map(|round| {
            let key = key(round, state);
            let t = Instant::now();
            let _ = update(state, Msg::Key(key), &Ctx { now: now(), keymap });
            terminal.draw(|frame| draw(frame, state, theme, keymap, now())).expect("draw");
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}

/// A table row with the p50 and p99 of `times`.
fn row(label: &str, mut times: Vec<f64>) -> String {
    format!("| {label} | {:.3} ms | {:.3} ms |", percentile(&mut times, 0.5), percentile(&mut times, 0.99))
}

fn percentile(times: &mut [f64], p: f64) -> f64 {
    times.sort_by(f64::total_cmp);
    times[((times.len() - 1) as f64 * p) as usize]
}

fn main() {
    let theme = Theme::builtin("dark").expect("theme");
    let keymap = Keymap::defaults();
    let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
    let mut rows = Vec::new();

    // Render: a full frame of a 10,000-issue list, cursor in the middle.
    let mut state = state();
    state.list.cursor = ISSUES / 2;
    state.list.offset = ISSUES / 2 - 10;
    rows.push(row("frame render, 10,000 issues, 120x40", draw_times(&state, &theme, &keymap, ROUNDS)));

    // Keypress to frame: reduce `j`, then draw.
    let times = key_times(&mut state, &theme, &keymap, ROUNDS, |round, state| {
        if round % 1000 == 0 {
            state.list.cursor = 100;
        }
        j
    });
    rows.push(row("keypress (`j`) to frame, 10,000 issues", times));

    // Bytes on the wire per `j` at 120x40 through the real crossterm backend.
    let mut state = self::state();
    state.list.cursor = 5;
    let counter = Counter::default();
    let mut terminal = fixed_terminal(&counter);
    terminal.draw(|frame| draw(frame, &state, &theme, &keymap, now())).expect("draw");
    let mut sizes = Vec::new();
    for _ in 0..20 {
        counter.0.set(0);
        let _ = update(&mut state, Msg::Key(j), &Ctx { now: now(), keymap: &keymap });
        terminal.draw(|frame| draw(frame, &state, &theme, &keymap, now())).expect("draw");
        sizes.push(counter.0.get() as f64);
    }
    let first_full = {
        let fresh = Counter::default();
        let mut t = fixed_terminal(&fresh);
        t.draw(|frame| draw(frame, &state, &theme, &keymap, now())).expect("draw");
        fresh.0.get()
    };
    rows.push(format!(
        "| bytes written per `j` at 120x40 (median / max of 20) | {:.0} B | {:.0} B |",
        percentile(&mut sizes.clone(), 0.5),
        percentile(&mut sizes, 1.0)
    ));
    rows.push(format!("| bytes of a full first frame at 120x40 | {first_full} B | |"));

    // The opened issue: what the first highlight of a frame costs. It runs on a worker thread
    // (the reducer asks for it as an effect); the draw only ever reads finished results.
    let first_event = big_event(60, 20, 0);
    let frame = &sift::tui::detail::shown_frames(&first_event, true, false, false)[0];
    let lines: Vec<&str> = frame.context.iter().map(|c| c.text.as_str()).collect();
    let t = Instant::now();
    let _ = sift::highlight::Highlighter::shared().highlight(
        sift::highlight::Language::Python,
        theme.syntect_name(),
        &lines,
    );
    let first = t.elapsed().as_secs_f64() * 1e3;
    rows.push(format!("| first highlight of a frame (loads the grammars; worker thread) | {first:.1} ms | |"));

    // A 60-frame trace, the selected frame expanded and highlighted, warm.
    let mut opened_state = opened(self::state(), big_event(60, 20, 0), sift::tui::detail::Section::Stack);
    highlight_all(&mut opened_state, &theme);
    let times = draw_times(&opened_state, &theme, &keymap, ROUNDS);
    rows.push(row("detail render, 60-frame trace, highlighted (warm)", times));
    let k = KeyEvent::new(KeyCode::Char('k'), KeyModifiers::NONE);
    // Down through the frames and back up, so every frame is drawn expanded.
    let times =
        key_times(&mut opened_state, &theme, &keymap, ROUNDS, |round, _| if (round / 59) % 2 == 0 { j } else { k });
    rows.push(row("keypress (`j`/`k`) to frame, 60-frame trace, highlighted", times));

    // Big events stay responsive.
    let big: [(&str, sift::api::models::Event, sift::tui::detail::Section); 4] = [
        ("1,000 frames, stack", big_event(1_000, 20, 0), sift::tui::detail::Section::Stack),
        ("10,000 breadcrumbs", big_event(20, 10_000, 0), sift::tui::detail::Section::Breadcrumbs),
        ("1 MB strings, stack", big_event(20, 20, 1 << 20), sift::tui::detail::Section::Stack),
        ("1 MB strings, JSON", big_event(20, 20, 1 << 20), sift::tui::detail::Section::Json),
    ];
    for (label, event, section) in big {
        let mut big_state = opened(self::state(), event, section);
        highlight_all(&mut big_state, &theme);
        let times = key_times(&mut big_state, &theme, &keymap, 200, |_, _| j);
        rows.push(row(&format!("keypress (`j`) to frame, {label}"), times));
    }

    let table = format!("| measure | p50 | p99 |\n|---|---|---|\n{}\n", rows.join("\n"));
    println!("{table}");
    let _ = std::fs::create_dir_all("target/bench-results");
    let _ = std::fs::write("target/bench-results/console.md", table);
}
