//! Reducer tests of the Performance screen, a transaction's samples and the span waterfall:
//! their keys, loads, stale answers, and the way to an error's issue and back.

use super::*;
use crate::api::models::performance::TransactionSummary;
use crate::tui::perf_fixtures::{TRACE_ID, samples, summaries, trace};
use crate::tui::stack::{PerfSort, Screen};

fn fetched_table(effects: &[Effect]) -> Vec<(u64, crate::api::PerformanceParams)> {
    picked!(effects, Effect::FetchTransactions { req, params } => (*req, params.clone()))
}

/// Opens Performance with `w` and answers it with the fixture rows.
fn performance(state: &mut State, keymap: &Keymap) -> Vec<Effect> {
    let (req, params) = fetched_table(&keys(state, keymap, "w")).pop().expect("a table request");
    assert_eq!((params.sort.as_str(), params.stats_period.as_str()), ("-count()", "24h"));
    let page = crate::api::Page { items: summaries(), ..crate::api::Page::default() };
    update(state, Msg::TransactionsLoaded { req, result: Ok(page) }, &ctx(keymap))
}

fn top(state: &State) -> &Screen {
    state.screens.showing().expect("a screen")
}

fn perf_rows(state: &State) -> Vec<TransactionSummary> {
    match top(state) {
        Screen::Performance(perf) => perf.rows.ready().cloned().unwrap_or_default(),
        other => panic!("not Performance: {other:?}"),
    }
}

#[test]
fn performance_loads_its_table_then_the_rows_sparklines() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let effects = performance(&mut state, &keymap);
    assert_eq!(perf_rows(&state).len(), 5);
    let series = picked!(&effects, Effect::FetchTransactionSeries { req, names, .. } => (*req, names.len()));
    assert_eq!(series.iter().map(|(_, n)| *n).collect::<Vec<_>>(), [5], "one request for five names");
    let counts = std::collections::BTreeMap::from([("GET /authors".to_string(), vec![1.0, 4.0, 2.0])]);
    update(&mut state, Msg::TransactionSeriesLoaded { req: series[0].0, result: Ok(counts) }, &ctx(&keymap));
    let Screen::Performance(perf) = top(&state) else { panic!() };
    assert_eq!(perf.series["GET /authors"], [1.0, 4.0, 2.0]);
    // A stale answer (a request no longer awaited) changes nothing.
    let stale = std::collections::BTreeMap::from([("x".to_string(), vec![9.0])]);
    update(&mut state, Msg::TransactionSeriesLoaded { req: series[0].0, result: Ok(stale) }, &ctx(&keymap));
    let Screen::Performance(perf) = top(&state) else { panic!() };
    assert!(!perf.series.contains_key("x"));
    // `:performance` is the same screen, not a second one.
    keys(&mut state, &keymap, "w");
    assert_eq!(state.screens.stack.len(), 1);
}

#[test]
fn sort_period_search_and_filters_reload_the_table() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    performance(&mut state, &keymap);
    let (_, params) = fetched_table(&keys(&mut state, &keymap, "s")).pop().unwrap();
    assert_eq!(params.sort, "-p95(span.duration)");
    let Screen::Performance(perf) = top(&state) else { panic!() };
    assert_eq!(perf.sort, PerfSort::P95);
    let (_, params) = fetched_table(&keys(&mut state, &keymap, "t")).pop().unwrap();
    assert_eq!(params.stats_period, "14d");
    // `/` searches transactions here; the list's own search is left alone.
    keys(&mut state, &keymap, "/");
    let effects = keys(&mut state, &keymap, "authors<enter>");
    let (_, params) = fetched_table(&effects).pop().expect("a reload");
    assert_eq!(params.query, "authors");
    assert_eq!(state.list.query, "");
    // The environment picker filters both.
    state.environments = vec!["production".into(), "staging".into()];
    keys(&mut state, &keymap, "e");
    let effects = keys(&mut state, &keymap, "2");
    assert_eq!(fetched_table(&effects).pop().unwrap().1.environments, ["staging"]);
    assert!(picked!(&effects, Effect::FetchIssues { .. } => ()).len() == 1);
    // Triage keys do not reach the hidden list.
    let refused = keys(&mut state, &keymap, "r");
    assert!(updates(&refused).is_empty());
    assert!(state.toasts.iter().any(|t| t.text.contains("esc leaves this screen")));
}

#[test]
fn enter_lists_samples_then_opens_the_waterfall_on_the_sample() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    performance(&mut state, &keymap);
    let effects = keys(&mut state, &keymap, "j<enter>");
    let (req, name) =
        picked!(&effects, Effect::FetchSamples { req, transaction, .. } => (*req, transaction.clone()))[0].clone();
    assert_eq!(name, "GET /authors");
    assert!(matches!(top(&state), Screen::Samples(s) if matches!(s.rows, Load::Loading { .. })));
    update(&mut state, Msg::SamplesLoaded { req, result: Ok(samples()) }, &ctx(&keymap));
    let effects = keys(&mut state, &keymap, "j<enter>");
    let (req, trace_id) =
        picked!(&effects, Effect::FetchTrace { req, trace_id } => (*req, trace_id.clone()))[0].clone();
    assert_eq!(trace_id, samples()[1].trace_id);
    let mut answer = trace(6);
    answer.roots[0].span_id = samples()[1].span_id.clone();
    answer.roots[0].children[0].span_id = "0000000000000099".into();
    update(&mut state, Msg::TraceLoaded { req, result: Ok(answer) }, &ctx(&keymap));
    let Screen::Waterfall(waterfall) = top(&state) else { panic!("a waterfall") };
    assert_eq!(waterfall.cursor, 0, "the cursor starts on the sample's own span");
    assert_eq!(waterfall.data.ready().unwrap().rows.len(), 12, "11 spans and the error on no span");
    // Esc walks back down the stack.
    keys(&mut state, &keymap, "<esc>");
    assert!(matches!(top(&state), Screen::Samples(_)));
    keys(&mut state, &keymap, "<esc><esc>");
    assert!(state.screens.showing().is_none());
}

#[test]
fn the_waterfall_steps_through_errors_and_opens_their_issue_and_comes_back() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    state.list.query = "level:error".into();
    state.list.cursor = 2;
    let effects = super::super::screens::open_trace(&mut state, TRACE_ID.into(), None, now());
    let req = picked!(&effects, Effect::FetchTrace { req, .. } => *req)[0];
    update(&mut state, Msg::TraceLoaded { req, result: Ok(trace(3)) }, &ctx(&keymap));
    let current = |state: &State| match top(state) {
        Screen::Waterfall(w) => w.current().cloned().unwrap(),
        _ => panic!(),
    };
    // tab: the next span with an issue, then the next, then the error on no span, then around.
    keys(&mut state, &keymap, "<tab>");
    assert_eq!(current(&state).issues[0].short_id.as_deref(), Some("SHOP-4"));
    keys(&mut state, &keymap, "<tab>");
    assert_eq!(current(&state).issues[0].short_id.as_deref(), Some("SHOP-1"));
    keys(&mut state, &keymap, "<tab>");
    assert!(current(&state).loose);
    keys(&mut state, &keymap, "<tab>");
    assert_eq!(current(&state).issues[0].short_id.as_deref(), Some("SHOP-4"));
    keys(&mut state, &keymap, "<tab>");

    // Enter: the list shows that issue, and it opens when it arrives.
    let effects = keys(&mut state, &keymap, "<enter>");
    let query = picked!(&effects, Effect::FetchIssues { params, .. } => params.query.clone()).pop().flatten();
    assert_eq!(query.as_deref(), Some("issue:SHOP-1"));
    let arrived = crate::tui::fixtures::issue(7, "OperationalError: no such column: sku", "new", 3);
    update(
        &mut state,
        Msg::IssuesLoaded { req: req_of(&effects), result: Ok(page(vec![arrived], None)) },
        &ctx(&keymap),
    );
    assert_eq!(state.detail.as_ref().map(|d| d.issue_id.as_str()), Some("7"));
    assert!(state.screens.showing().is_none(), "the issue shows over the screens");
    let resolved = keys(&mut state, &keymap, "r");
    assert_eq!(updates(&resolved)[0].0, vec!["7".to_string()]);

    // Esc: the waterfall again, on the same span, and the list as it was.
    let back = keys(&mut state, &keymap, "<esc>");
    assert!(state.detail.is_none());
    assert!(matches!(top(&state), Screen::Waterfall(_)));
    assert_eq!(current(&state).issues[0].short_id.as_deref(), Some("SHOP-1"));
    let query = picked!(&back, Effect::FetchIssues { params, .. } => params.query.clone()).pop().flatten();
    assert_eq!(query.as_deref(), Some("is:unresolved level:error"));
    assert_eq!(state.list.cursor, 2);
    // A span without an issue says so.
    keys(&mut state, &keymap, "g<enter>");
    assert!(state.toasts.iter().any(|t| t.text.contains("no error on this span")));
}

#[test]
fn w_on_an_opened_issue_opens_the_trace_of_the_shown_event_and_esc_comes_back() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let mut json = crate::tui::fixtures::event_json("b", None, None);
    json["contexts"]["trace"] = serde_json::json!({"trace_id": TRACE_ID, "span_id": "0000000000000009"});
    let event = crate::api::models::Event::from_json(json).unwrap();
    opened_on(&mut state, &keymap, event);
    let effects = keys(&mut state, &keymap, "W");
    let (req, trace_id) =
        picked!(&effects, Effect::FetchTrace { req, trace_id } => (*req, trace_id.clone()))[0].clone();
    assert_eq!(trace_id, TRACE_ID);
    update(&mut state, Msg::TraceLoaded { req, result: Ok(trace(2)) }, &ctx(&keymap));
    let Screen::Waterfall(waterfall) = top(&state) else { panic!() };
    assert_eq!(waterfall.current().unwrap().span_id, "0000000000000009", "the cursor on the event's span");
    keys(&mut state, &keymap, "<esc>");
    assert!(state.screens.showing().is_none());
    assert_eq!(state.detail.as_ref().map(|d| d.issue_id.as_str()), Some("1"), "back on the issue");

    // An event without a trace says so.
    let (_, mut state, _) = opened_issue();
    let effects = keys(&mut state, &keymap, "W");
    assert!(picked!(&effects, Effect::FetchTrace { .. } => ()).is_empty());
    assert!(state.toasts.iter().any(|t| t.text.contains("names no trace")));
}

#[test]
fn failures_show_in_place_and_keep_rows_on_refresh() {
    let keymap = Keymap::defaults();
    let mut state = state_with(issues());
    let (req, _) = fetched_table(&keys(&mut state, &keymap, "w")).pop().unwrap();
    update(&mut state, Msg::TransactionsLoaded { req, result: Err(Error::Timeout) }, &ctx(&keymap));
    let Screen::Performance(perf) = top(&state) else { panic!() };
    assert!(matches!(perf.rows, Load::Failed(_)));
    let (req, _) = fetched_table(&keys(&mut state, &keymap, "<c-r>")).pop().unwrap();
    let page = crate::api::Page { items: summaries(), ..crate::api::Page::default() };
    update(&mut state, Msg::TransactionsLoaded { req, result: Ok(page) }, &ctx(&keymap));
    let (req, _) = fetched_table(&keys(&mut state, &keymap, "<c-r>")).pop().unwrap();
    update(&mut state, Msg::TransactionsLoaded { req, result: Err(Error::Timeout) }, &ctx(&keymap));
    assert_eq!(perf_rows(&state).len(), 5, "a failed refresh keeps the rows");
    assert!(state.toasts.iter().any(|t| t.text.starts_with("performance:")));
}
