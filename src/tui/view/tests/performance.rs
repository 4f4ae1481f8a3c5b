//! Frame snapshots of the Performance screen, a transaction's samples and the span waterfall
//! (loading, failed, empty, populated, long and hostile text, a trace of 1,000 spans) at 80x24
//! and 120x40.

use super::{snapshot, text};
use crate::api::models::performance::TransactionSummary;
use crate::tui::fixtures::{issues, now, state_with};
use crate::tui::perf_fixtures::{TRACE_ID, samples, summaries, trace};
use crate::tui::stack::{PerfSort, Performance, Samples, Screen};
use crate::tui::state::{Failure, Load, State};
use crate::tui::waterfall::{Flat, Waterfall};

fn with(screens: Vec<Screen>) -> State {
    let mut state = state_with(issues());
    state.screens.stack = screens;
    state
}

fn performance(rows: Load<Vec<TransactionSummary>>) -> Performance {
    let mut perf = Performance { rows, ..Performance::default() };
    perf.series.insert("GET /api/products".into(), vec![3.0, 5.0, 8.0, 13.0, 8.0, 5.0, 3.0, 2.0, 1.0, 2.0, 4.0, 9.0]);
    perf.series.insert("GET /authors".into(), vec![1.0, 0.0, 2.0, 6.0, 1.0]);
    perf
}

fn waterfall(flat: Flat, cursor: usize) -> Waterfall {
    Waterfall { trace_id: TRACE_ID.into(), data: Load::Ready(flat), cursor, ..Waterfall::default() }
}

#[test]
fn the_performance_screen() {
    snapshot("performance_loading", &with(vec![Screen::Performance(performance(Load::Loading { since: now() }))]));
    let failed = Load::Failed(Failure {
        message: "not found (404): the organization, project or issue is gone".into(),
        at: now(),
    });
    snapshot("performance_failed", &with(vec![Screen::Performance(performance(failed))]));
    snapshot("performance_empty", &with(vec![Screen::Performance(performance(Load::Ready(Vec::new())))]));
    let mut perf = performance(Load::Ready(summaries()));
    perf.sort = PerfSort::P95;
    perf.cursor = 1;
    perf.query = "transaction:GET*".into();
    snapshot("performance_populated", &with(vec![Screen::Performance(perf)]));
}

#[test]
fn a_transactions_samples() {
    let perf = Screen::Performance(performance(Load::Ready(summaries())));
    let mut list = Samples::new("GET /authors".into());
    list.rows = Load::Ready(samples());
    list.cursor = 1;
    snapshot("performance_samples", &with(vec![perf.clone(), Screen::Samples(list)]));
    let mut loading = Samples::new("GET /authors".into());
    loading.rows = Load::Loading { since: now() };
    snapshot("performance_samples_loading", &with(vec![perf, Screen::Samples(loading)]));
}

#[test]
fn the_span_waterfall() {
    let perf = Screen::Performance(performance(Load::Ready(summaries())));
    let flat = Flat::from_trace(&trace(8));
    let on_error = flat.rows.iter().position(|r| r.issues.first().is_some_and(|i| i.kind == "error")).unwrap();
    snapshot("waterfall", &with(vec![perf.clone(), Screen::Waterfall(waterfall(flat, on_error))]));
    let mut loading = Waterfall::new(TRACE_ID.into(), None);
    loading.data = Load::Loading { since: now() };
    snapshot("waterfall_loading", &with(vec![perf.clone(), Screen::Waterfall(loading)]));
    snapshot("waterfall_empty", &with(vec![perf, Screen::Waterfall(waterfall(Flat::default(), 0))]));
}

#[test]
fn a_waterfall_of_1000_spans() {
    let flat = Flat::from_trace(&trace(995));
    assert_eq!(flat.spans, 1_000);
    let cursor = flat.rows.len() - 3;
    snapshot("waterfall_1000_spans", &with(vec![Screen::Waterfall(waterfall(flat, cursor))]));
}

#[test]
fn event_text_in_the_waterfall_never_reaches_the_terminal_raw() {
    let flat = Flat::from_trace(&trace(2));
    let screen = text(&with(vec![Screen::Waterfall(waterfall(flat, 1))]), 120, 40);
    assert!(!screen.contains('\u{1b}'), "{screen}");
    assert!(screen.contains("authenticate"), "{screen}");
}

/// `?` over each Performance screen names that screen and lists its own keys first, with what
/// they do there, and the keys to the other screens under "Everywhere".
#[test]
fn the_help_over_the_performance_screens_lists_their_keys() {
    let help = |mut state: State| {
        state.overlay = Some(crate::tui::overlay::Overlay::Help(Default::default()));
        state
    };
    let table = help(with(vec![Screen::Performance(performance(Load::Ready(summaries())))]));
    snapshot("performance_help", &table);
    let shown = text(&table, 120, 40);
    for wanted in ["Performance", "The slowest samples of the transaction", "Cycle the order", "Back one screen", "S "]
    {
        assert!(shown.contains(wanted), "{wanted}: {shown}");
    }
    assert!(!shown.contains("Resolve"), "triage keys do nothing here: {shown}");
    let flat = Flat::from_trace(&trace(5));
    let over = help(with(vec![
        Screen::Performance(performance(Load::Ready(summaries()))),
        Screen::Waterfall(waterfall(flat, 0)),
    ]));
    let shown = text(&over, 120, 40);
    for wanted in ["The span waterfall", "Next span with an error", "Open the issue of the error on the span"] {
        assert!(shown.contains(wanted), "{wanted}: {shown}");
    }
}
