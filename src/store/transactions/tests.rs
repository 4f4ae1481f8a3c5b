use super::NewTransaction;
use super::query::{self as tq, Column, Cond, Durations, Filter, GroupKey, Match, SampleOrder};
use crate::config::Durability;
use crate::store::{Store, WriteJob, codec, open_admin, projects};

const HOUR: f64 = 3600.0;
const T0: f64 = 1_795_348_800.0;

fn transaction(
    n: usize,
    name: &str,
    start: f64,
    ms: f64,
    status: &str,
    env: &str,
    user: Option<&str>,
) -> NewTransaction {
    NewTransaction {
        project_id: 1,
        event_id: format!("{n:032x}"),
        trace_id: format!("{:032x}", n % 3 + 1),
        span_id: format!("{n:016x}"),
        parent_span_id: None,
        name: name.into(),
        op: Some("http.server".into()),
        status: status.into(),
        environment: Some(env.into()),
        release: Some(if n.is_multiple_of(2) { "1.0" } else { "2.0" }.into()),
        user_key: user.map(str::to_owned),
        start,
        duration_ms: ms,
        received: start,
        span_count: 0,
        size: 2,
        data: codec::encode(b"{}").unwrap(),
    }
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sift.db");
    projects::bootstrap(&mut open_admin(&path).unwrap()).unwrap();
    let store = Store::open(&path, Durability::Normal).unwrap();
    (dir, store)
}

fn write(store: &Store, transactions: Vec<NewTransaction>) -> usize {
    store.writer().write_blocking(WriteJob { transactions, ..WriteJob::default() }).unwrap().items
}

fn filter(conds: Vec<Cond>) -> Filter {
    Filter { start: T0, end: T0 + 2.0 * HOUR, projects: vec![1], environments: Vec::new(), conds }
}

/// 200 of `/a` (10..=2000 ms, every tenth failed, four users) and 50 of `/b`, over two hours.
fn fill(store: &Store) {
    let mut all = Vec::new();
    for i in 0..200 {
        let status = if i % 10 == 0 { "internal_error" } else { "ok" };
        let user = format!("id:{}", i % 4);
        all.push(transaction(
            i,
            "/a",
            T0 + (i as f64) * 30.0,
            10.0 * (i + 1) as f64,
            status,
            "production",
            Some(&user),
        ));
    }
    for i in 200..250 {
        all.push(transaction(i, "/b", T0 + 100.0 + (i as f64), 5.0, "cancelled", "staging", None));
    }
    // Two batches: rollups of one hour are merged across commits.
    let rest = all.split_off(120);
    assert_eq!(write(store, all), 120);
    assert_eq!(write(store, rest), 130);
}

#[test]
fn rollups_and_rows_agree_on_counts_failures_and_percentiles() {
    let (_dir, store) = store();
    fill(&store);
    let conn = store.connection().unwrap();
    let from_rollups = tq::summary(&conn, &filter(Vec::new()), &[GroupKey::Transaction]).unwrap();
    assert!(from_rollups.from_rollups);
    let exact = tq::summary(&conn, &filter(vec![Cond::Has(Column::Release)]), &[GroupKey::Transaction]).unwrap();
    assert!(!exact.from_rollups, "release is not in the rollups");
    for summary in [&from_rollups, &exact] {
        let a = summary.groups.iter().find(|g| g.keys == [Some("/a".to_string())]).unwrap();
        let b = summary.groups.iter().find(|g| g.keys == [Some("/b".to_string())]).unwrap();
        assert_eq!((a.count, a.failures, b.count, b.failures), (200, 20, 50, 0), "cancelled is no failure");
        assert_eq!((a.users, b.users), (4, 0));
        assert!((a.failure_rate() - 0.1).abs() < 1e-9);
        assert!((a.avg_duration().unwrap() - 1005.0).abs() < 1e-6);
        for (q, expected) in [(0.5, 1005.0), (0.95, 1900.5), (0.0, 10.0), (1.0, 2000.0)] {
            let got = a.durations.quantile(q).unwrap();
            assert!((got - expected).abs() / expected < 0.011, "q {q}: {got} against {expected}");
        }
    }
    let Durations::Exact(sorted) = &exact.groups[0].durations else { panic!("exact durations") };
    assert!(sorted.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn filters_narrow_both_paths() {
    let (_dir, store) = store();
    fill(&store);
    let conn = store.connection().unwrap();
    let count = |f: Filter| tq::summary(&conn, &f, &[]).unwrap().groups.iter().map(|g| g.count).sum::<u64>();
    assert_eq!(count(filter(vec![Cond::Is(Column::Name, Match::AnyOf(vec!["/b".into()]))])), 50);
    assert_eq!(count(filter(vec![Cond::Is(Column::Name, Match::Like("/%".into()))])), 250);
    assert_eq!(count(filter(vec![Cond::Text("b".into())])), 50);
    assert_eq!(count(Filter { environments: vec!["staging".into()], ..filter(Vec::new()) }), 50);
    assert_eq!(count(filter(vec![Cond::Is(Column::Status, Match::AnyOf(vec!["internal_error".into()]))])), 20);
    assert_eq!(
        count(filter(vec![Cond::Not(Box::new(Cond::Is(Column::Release, Match::AnyOf(vec!["1.0".into()]))))])),
        125
    );
    assert_eq!(count(filter(vec![Cond::Is(Column::ProjectSlug, Match::AnyOf(vec!["default".into()]))])), 250);
    assert_eq!(count(filter(vec![Cond::Is(Column::User, Match::AnyOf(vec!["id:1".into()]))])), 50);
    assert_eq!(count(filter(vec![Cond::Nothing])), 0);
    assert_eq!(count(Filter { projects: vec![2], ..filter(Vec::new()) }), 0);
}

#[test]
fn samples_come_slowest_first_and_page() {
    let (_dir, store) = store();
    fill(&store);
    let conn = store.connection().unwrap();
    let only_a = filter(vec![Cond::Is(Column::Name, Match::AnyOf(vec!["/a".into()]))]);
    let page = tq::samples(&conn, &only_a, (SampleOrder::Duration, true), 5, 0).unwrap();
    assert_eq!(page.len(), 6, "one more than asked says there is a next page");
    assert_eq!(
        page.iter().map(|s| s.duration_ms).collect::<Vec<_>>(),
        [2000.0, 1990.0, 1980.0, 1970.0, 1960.0, 1950.0]
    );
    assert_eq!(page[0].project_slug, "default");
    let next = tq::samples(&conn, &only_a, (SampleOrder::Duration, true), 5, 5).unwrap();
    assert_eq!(next[0].duration_ms, 1950.0);
    let oldest = tq::samples(&conn, &only_a, (SampleOrder::Start, false), 1, 0).unwrap();
    assert_eq!(oldest[0].start, T0);
}

#[test]
fn series_count_per_bucket_from_rollups_and_rows() {
    let (_dir, store) = store();
    fill(&store);
    let conn = store.connection().unwrap();
    let (hourly, from_rollups) = tq::series(&conn, &filter(Vec::new()), 3600, true).unwrap();
    assert!(from_rollups);
    let counts = |name: &str, series: &std::collections::BTreeMap<String, Vec<tq::Bucket>>| -> Vec<u64> {
        series[name].iter().map(|b| b.count).collect()
    };
    assert_eq!(counts("/a", &hourly), [120, 80]);
    assert_eq!(counts("/b", &hourly), [50, 0]);
    let (minutes, from_rollups) = tq::series(&conn, &filter(Vec::new()), 1800, false).unwrap();
    assert!(!from_rollups, "half hours are counted from the rows");
    assert_eq!(counts("", &minutes), [110, 60, 60, 20]);
}

#[test]
fn a_retried_transaction_is_stored_and_counted_once() {
    let (_dir, store) = store();
    let one = transaction(1, "/a", T0, 10.0, "ok", "production", None);
    assert_eq!(write(&store, vec![one.clone(), one.clone()]), 1);
    assert_eq!(write(&store, vec![one]), 0);
    let conn = store.connection().unwrap();
    assert_eq!(tq::summary(&conn, &filter(Vec::new()), &[]).unwrap().groups[0].count, 1);
}

#[test]
fn the_quantile_for_alerts_is_exact_and_retention_prunes_rows_and_rollups() {
    let (_dir, store) = store();
    fill(&store);
    let conn = store.connection().unwrap();
    let p95 = super::duration_quantile(&conn, 1, "/a", Some("production"), (T0, T0 + 2.0 * HOUR), 0.95).unwrap();
    assert!((p95.unwrap() - 1900.5).abs() < 1e-9, "{p95:?}");
    assert_eq!(super::duration_quantile(&conn, 1, "/a", Some("staging"), (T0, T0 + 2.0 * HOUR), 0.95).unwrap(), None);
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let prune = |limit| rt.block_on(store.writer().call(move |tx| super::prune(tx, T0 + HOUR, limit))).unwrap();
    assert_eq!(prune(50), 50, "one slice at a time");
    assert_eq!(prune(10_000), 120);
    let left: i64 = conn.query_row("SELECT count(*) FROM transactions", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 80);
    let hours: i64 = conn.query_row("SELECT count(DISTINCT hour) FROM transaction_rollups", [], |r| r.get(0)).unwrap();
    assert_eq!(hours, 1);
}
