//! `gather` against a scripted Sentry look-alike on 127.0.0.1:0 (real sockets): which searches
//! it sends, and how it builds sections and tallies from the answers, including the activity
//! check of resolved issues, the priority fallback, paging of the tally listing, and errors.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::response::Response;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use super::fixtures::now;
use crate::api::{Client, ClientConfig, Error, RetryPolicy};
use crate::report::{Digest, ReportOptions, SectionKind, Tally, gather};

/// A request: its path under the organization and its query pairs.
type Seen = (String, Vec<(String, String)>);

/// How the scripted server behaves.
#[derive(Default)]
struct Script {
    /// Answer `issue.priority:` searches (else 400, like a server without priority).
    priority_search: bool,
    /// List 30 resolved issues with a next page (more than the activity checks allowed).
    many_resolved: bool,
    /// Answer every request with 401.
    unauthorized: bool,
    /// Have releases (else the releases API answers 404, like a tracker without one).
    releases: bool,
    /// Path (under the org) and query pairs of every request.
    requests: Mutex<Vec<Seen>>,
}

impl Script {
    fn requests(&self) -> Vec<Seen> {
        self.requests.lock().unwrap().clone()
    }

    /// The query pairs of every issue search, each sorted for comparison.
    fn searches(&self) -> Vec<Vec<(String, String)>> {
        self.requests().into_iter().filter(|(path, _)| path == "issues/").map(|(_, q)| q).collect()
    }
}

async fn start(script: Script) -> (Client, Arc<Script>) {
    let script = Arc::new(script);
    let app = Router::new().fallback(handle).with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let retry =
        RetryPolicy { max_retries: 0, base_delay: Duration::from_millis(1), max_delay: Duration::from_millis(1) };
    let config = ClientConfig::new(format!("http://{addr}/"), "acme", "token").retry(retry);
    (Client::new(config).unwrap(), script)
}

fn hours_ago(h: i64) -> DateTime<Utc> {
    now() - TimeDelta::hours(h)
}

fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339()
}

/// An issue with a 24h series of `(hours ago, events)` buckets.
fn issue(
    id: &str,
    short_id: &str,
    project: &str,
    first_seen_hours_ago: i64,
    count: u64,
    users: u64,
    buckets: &[(i64, u64)],
) -> Value {
    let series: Vec<Value> = buckets.iter().map(|(h, n)| json!([hours_ago(*h).timestamp(), n])).collect();
    json!({
        "id": id, "shortId": short_id, "title": format!("Error in {short_id}"), "culprit": "app.main",
        "level": "error", "status": "unresolved", "priority": "medium", "count": count.to_string(),
        "userCount": users, "firstSeen": iso(hours_ago(first_seen_hours_ago)), "lastSeen": iso(hours_ago(1)),
        "permalink": format!("https://tracker.example/acme/issues/{id}/"),
        "project": {"id": "7", "slug": project, "name": project}, "stats": {"24h": series},
    })
}

fn with(mut value: Value, key: &str, member: Value) -> Value {
    value[key] = member;
    value
}

fn one() -> Value {
    issue("1", "SHOP-1", "shop-backend", 3, 120, 40, &[(2, 30), (1, 20)])
}
fn two() -> Value {
    issue("2", "SHOP-2", "shop-backend", 480, 900, 7, &[(30, 500), (5, 4)])
}
fn three() -> Value {
    issue("3", "API-3", "shop-api", 960, 10_000, 5, &[(3, 2)])
}
fn four() -> Value {
    // No permalink: the digest builds one.
    with(issue("4", "API-4", "shop-api", 48, 50, 90, &[(1, 40)]), "permalink", Value::Null)
}
fn resolved(id: u32) -> Value {
    let v = issue(&id.to_string(), &format!("LEDGER-{id}"), "ledger-worker", 200, 10, 1, &[]);
    with(v, "status", json!("resolved"))
}

fn reply(status: u16, headers: &[(&str, String)], body: Value) -> Response {
    let mut builder = Response::builder().status(status).header("content-type", "application/json");
    for (k, v) in headers {
        builder = builder.header(*k, v.as_str());
    }
    builder.body(body.to_string().into()).unwrap()
}

fn hits(n: usize, body: Value) -> Response {
    reply(200, &[("x-hits", n.to_string())], body)
}

fn next_page(cursor: &str, more: bool) -> (&'static str, String) {
    let url = "http://x/api/0/organizations/acme/issues/";
    ("link", format!(r#"<{url}?cursor={cursor}>; rel="next"; results="{more}"; cursor="{cursor}""#))
}

async fn handle(State(script): State<Arc<Script>>, req: Request) -> Response {
    let path = req.uri().path().trim_start_matches("/api/0/organizations/acme/").to_owned();
    let query: Vec<(String, String)> =
        form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes()).into_owned().collect();
    script.requests.lock().unwrap().push((path.clone(), query.clone()));
    if script.unauthorized {
        return reply(401, &[], json!({"detail": "Invalid token"}));
    }
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let env = get("environment");
    match (path.as_str(), get("query").unwrap_or("is:unresolved")) {
        ("environments/", _) => reply(
            200,
            &[],
            json!([{"id": "1", "name": "staging"}, {"id": "2", "name": "production"},
                   {"id": "3", "name": "old-canary", "isHidden": true}]),
        ),
        ("issues/", q) if q.starts_with("is:unresolved firstSeen:>=") => hits(1, json!([one()])),
        ("releases/", _) if script.releases => {
            reply(200, &[], json!([{ "version": "shop backend@1.2", "dateCreated": iso(hours_ago(3)) }]))
        }
        ("issues/", "firstRelease:\"shop backend@1.2\"") => hits(2, json!([four(), one()])),
        ("issues/", "is:regressed") => hits(1, json!([two()])),
        ("issues/", "is:escalating") => hits(1, json!([three()])),
        ("issues/", "is:unresolved") => hits(4, json!([three(), one(), four()])),
        ("issues/", "is:resolved") if script.many_resolved => {
            let many: Vec<Value> = (100..130).map(resolved).collect();
            reply(200, &[("x-hits", "112".into()), next_page("0:30:0", true)], json!(many))
        }
        ("issues/", "is:resolved") => hits(3, json!([resolved(5), resolved(6), resolved(7)])),
        ("issues/", "is:unresolved is:unassigned issue.priority:high") if script.priority_search => {
            hits(1, json!([with(one(), "priority", json!("high"))]))
        }
        ("issues/", "is:unresolved is:unassigned issue.priority:high") => {
            reply(400, &[], json!({"detail": "Invalid search query: unknown key issue.priority"}))
        }
        ("issues/", "is:unresolved is:unassigned") => {
            hits(2, json!([with(two(), "priority", json!("high")), with(three(), "priority", json!("low"))]))
        }
        ("issues/", "") if env == Some("production") => hits(2, json!([one(), four()])),
        ("issues/", "") if env.is_some() => hits(0, json!([])),
        ("issues/", "") if get("cursor") == Some("0:2:0") => {
            reply(200, &[("x-hits", "3".into()), next_page("0:4:0", false)], json!([four()]))
        }
        ("issues/", "") => reply(200, &[("x-hits", "3".into()), next_page("0:2:0", true)], json!([three(), one()])),
        ("issues/5/activities/", _) => reply(
            200,
            &[],
            json!({"activity": [{"id": "1", "type": "note", "data": {"text": "fixed"}, "dateCreated": iso(hours_ago(1))},
                                {"id": "2", "type": "set_resolved", "data": {}, "dateCreated": iso(hours_ago(2))}]}),
        ),
        ("issues/6/activities/", _) => {
            reply(200, &[], json!([{"id": "3", "type": "set_resolved", "data": {}, "dateCreated": iso(hours_ago(72))}]))
        }
        ("issues/7/activities/", _) => reply(
            200,
            &[],
            json!({"activity": [{"id": "4", "type": "set_resolved_in_release", "data": {"version": "1.2"}, "dateCreated": iso(hours_ago(10))},
                                {"id": "5", "type": "set_unresolved", "data": {}, "dateCreated": iso(hours_ago(20))}]}),
        ),
        (p, _) if p.ends_with("/activities/") => reply(200, &[], json!({"activity": []})),
        _ => reply(404, &[], json!({"detail": "The requested resource does not exist"})),
    }
}

fn short_ids(digest: &Digest, kind: SectionKind) -> Vec<String> {
    digest.section(kind).unwrap().entries.iter().map(|e| e.short_id.clone()).collect()
}

fn total(digest: &Digest, kind: SectionKind) -> Option<u64> {
    digest.section(kind).unwrap().total
}

fn tally(name: &str, issues: u64, new: u64, events: u64) -> Tally {
    Tally { name: name.into(), issues, new, events }
}

/// The search with `query` (the first one, or the one whose `extra` pair matches too).
fn search<'a>(
    searches: &'a [Vec<(String, String)>],
    query: &str,
    extra: Option<(&str, &str)>,
) -> &'a [(String, String)] {
    let has = |q: &[(String, String)], k: &str, v: &str| q.iter().any(|(n, x)| n == k && x == v);
    searches
        .iter()
        .find(|q| has(q, "query", query) && extra.is_none_or(|(k, v)| has(q, k, v)))
        .unwrap_or_else(|| panic!("no search {query:?} {extra:?} in {searches:#?}"))
}

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

const START: &str = "2024-05-01T09:00:00Z";
const END: &str = "2024-05-02T09:00:00Z";

#[tokio::test]
async fn sends_the_searches_and_builds_sections_and_tallies() {
    let (client, script) = start(Script::default()).await;
    let options = ReportOptions { limit: 2, ..ReportOptions::default() };
    let digest = gather(&client, &options, now()).await.unwrap();

    let searches = script.searches();
    let windowed = |query: &str, sort: &str, limit: &str| {
        params(&[
            ("query", query),
            ("start", START),
            ("end", END),
            ("groupStatsPeriod", "24h"),
            ("sort", sort),
            ("limit", limit),
        ])
    };
    let plain = |query: &str, limit: &str| {
        params(&[("query", query), ("groupStatsPeriod", "24h"), ("sort", "date"), ("limit", limit)])
    };
    let new = "is:unresolved firstSeen:>=2024-05-01T09:00:00";
    assert_eq!(search(&searches, new, None), windowed(new, "new", "2"));
    assert_eq!(search(&searches, "is:regressed", None), windowed("is:regressed", "date", "2"));
    assert_eq!(search(&searches, "is:escalating", None), windowed("is:escalating", "freq", "2"));
    let top = Some(("sort", "freq"));
    assert_eq!(search(&searches, "is:unresolved", top), windowed("is:unresolved", "freq", "100"));
    let users = Some(("sort", "user"));
    assert_eq!(search(&searches, "is:unresolved", users), windowed("is:unresolved", "user", "100"));
    // Resolved and unassigned are not limited to the window.
    assert_eq!(search(&searches, "is:resolved", None), plain("is:resolved", "50"));
    let priority = "is:unresolved is:unassigned issue.priority:high";
    assert_eq!(search(&searches, priority, None), plain(priority, "2"));
    assert_eq!(search(&searches, "is:unresolved is:unassigned", None), plain("is:unresolved is:unassigned", "100"));
    // Tallies: every status, in the window, paged, then once per visible environment.
    let mut tally_page = windowed("", "freq", "100");
    assert_eq!(search(&searches, "", None), tally_page);
    tally_page.push(("cursor".into(), "0:2:0".into()));
    assert_eq!(search(&searches, "", Some(("cursor", "0:2:0"))), tally_page);
    let mut production = windowed("", "freq", "100");
    production.insert(5, ("environment".into(), "production".into()));
    assert_eq!(search(&searches, "", Some(("environment", "production"))), production);
    assert!(search(&searches, "", Some(("environment", "staging"))).len() == production.len());
    assert!(!searches.iter().flatten().any(|(_, v)| v == "old-canary"), "hidden environments are skipped");
    assert_eq!(searches.len(), 5 + 1 + 2 + 2 + 2, "{searches:#?}");
    let paths: Vec<String> = script.requests().into_iter().map(|(p, _)| p).filter(|p| p != "issues/").collect();
    let mut activity: Vec<&String> = paths.iter().filter(|p| p.ends_with("/activities/")).collect();
    activity.sort();
    assert_eq!(activity, ["issues/5/activities/", "issues/6/activities/", "issues/7/activities/"]);
    assert_eq!(paths.iter().filter(|p| *p == "environments/").count(), 1);

    assert_eq!((digest.version, digest.org.as_str(), digest.stats_period.as_str()), (1, "acme", "24h"));
    assert_eq!((digest.since.to_rfc3339(), digest.until), ("2024-05-01T09:00:00+00:00".to_owned(), now()));
    assert_eq!(short_ids(&digest, SectionKind::New), ["SHOP-1"]);
    assert_eq!(short_ids(&digest, SectionKind::Regressed), ["SHOP-2"]);
    assert_eq!(short_ids(&digest, SectionKind::Escalating), ["API-3"]);
    // Ranked by the window's counts, not the server's order or lifetime counts; cut to 2.
    assert_eq!(short_ids(&digest, SectionKind::TopByEvents), ["SHOP-1", "API-4"]);
    assert_eq!(short_ids(&digest, SectionKind::TopByUsers), ["API-4", "SHOP-1"]);
    assert_eq!(total(&digest, SectionKind::TopByEvents), Some(4));
    // 6 was resolved three days ago; 5 (2h ago) comes before 7 (10h ago).
    assert_eq!(short_ids(&digest, SectionKind::Resolved), ["LEDGER-5", "LEDGER-7"]);
    assert_eq!(total(&digest, SectionKind::Resolved), Some(2));
    // The server refused priority search: high-priority issues filtered here.
    assert_eq!(short_ids(&digest, SectionKind::UnassignedHighPriority), ["SHOP-2"]);
    assert_eq!(total(&digest, SectionKind::UnassignedHighPriority), Some(1));
    assert_eq!(digest.notes.len(), 1, "{:?}", digest.notes);
    assert!(digest.notes[0].contains("does not search by priority"), "{:?}", digest.notes);

    let entry = &digest.section(SectionKind::TopByEvents).unwrap().entries[0];
    assert_eq!((entry.events, entry.users, entry.project.as_str()), (50, 40, "shop-backend"));
    assert_eq!(entry.permalink, "https://tracker.example/acme/issues/1/");
    let built = &digest.section(SectionKind::TopByEvents).unwrap().entries[1].permalink;
    assert_eq!(built, &format!("{}organizations/acme/issues/4/", client.base_url()));
    let regressed = &digest.section(SectionKind::Regressed).unwrap().entries[0];
    assert_eq!(regressed.events, 4, "the bucket 30h ago is outside the window");

    // Projects from the paged listing (3 issues); staging is quiet and left out.
    assert_eq!(digest.projects, [tally("shop-api", 2, 0, 42), tally("shop-backend", 1, 1, 50)]);
    assert_eq!(digest.environments, [tally("production", 2, 1, 90)]);
}

#[tokio::test]
async fn asked_environments_and_projects_scope_every_search() {
    let script = Script { priority_search: true, many_resolved: true, ..Script::default() };
    let (client, script) = start(script).await;
    let options = ReportOptions {
        since: TimeDelta::days(3),
        environments: vec!["production".into(), "staging".into()],
        projects: vec![7],
        limit: 10,
    };
    let digest = gather(&client, &options, now()).await.unwrap();
    let requests = script.requests();
    assert!(!requests.iter().any(|(p, _)| p == "environments/"), "asked environments are not looked up");
    for query in script.searches() {
        let all = |k: &str| query.iter().filter(|(n, _)| n == k).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
        assert_eq!(all("groupStatsPeriod"), ["14d"]);
        assert_eq!(all("project"), ["7"]);
        let envs = all("environment");
        assert!(envs == ["production", "staging"] || envs == ["production"] || envs == ["staging"], "{query:?}");
        for start in all("start") {
            assert_eq!(start, "2024-04-29T09:00:00Z");
        }
    }
    let new = "is:unresolved firstSeen:>=2024-04-29T09:00:00";
    assert!(script.searches().iter().any(|q| q.iter().any(|(k, v)| k == "query" && v == new)));
    // Priority search answered: no fallback search and no note about it.
    assert!(!script.searches().iter().flatten().any(|(_, v)| v == "is:unresolved is:unassigned"));
    assert_eq!(short_ids(&digest, SectionKind::UnassignedHighPriority), ["SHOP-1"]);
    // 30 resolved candidates and more pages: 25 activity logs read, total unknown, a note.
    let activity = requests.iter().filter(|(p, _)| p.ends_with("/activities/")).count();
    assert_eq!(activity, 25);
    assert!(short_ids(&digest, SectionKind::Resolved).is_empty());
    assert_eq!(total(&digest, SectionKind::Resolved), None);
    assert_eq!(
        digest.notes,
        ["\"Resolved\" checked the activity of the 25 most recently seen of 112 resolved issues."]
    );
    // Asked environments are tallied even when quiet; in three days both issues are new.
    assert_eq!(digest.environments, [tally("production", 2, 2, 90), tally("staging", 0, 0, 0)]);
    assert_eq!(digest.scope.environments, ["production", "staging"]);
    assert_eq!(digest.stats_period, "14d");
}

#[tokio::test]
async fn api_errors_are_passed_through() {
    let (client, _script) = start(Script { unauthorized: true, ..Script::default() }).await;
    let err = gather(&client, &ReportOptions::default(), now()).await.unwrap_err();
    assert_eq!(err, Error::Unauthorized { detail: "Invalid token".into() });
}

#[tokio::test]
async fn the_newest_release_gets_a_section_of_its_new_issues() {
    let (client, script) = start(Script { releases: true, ..Script::default() }).await;
    let options = ReportOptions { projects: vec![7], ..ReportOptions::default() };
    let digest = gather(&client, &options, now()).await.unwrap();
    let asked = script.requests().into_iter().find(|(p, _)| p == "releases/").expect("the releases asked for").1;
    assert_eq!(asked, params(&[("project", "7"), ("per_page", "1")]));
    let section = digest.new_in_release.as_ref().expect("a section for the newest release");
    assert_eq!(
        (section.kind, section.release.as_deref(), section.total),
        (SectionKind::NewInRelease, Some("shop backend@1.2"), Some(2))
    );
    assert_eq!(short_ids(&digest, SectionKind::NewInRelease), ["SHOP-1", "API-4"], "newest first seen first");
    let search = search(&script.searches(), "firstRelease:\"shop backend@1.2\"", None).to_vec();
    assert!(!search.iter().any(|(k, _)| k == "start"), "a release's new issues are not limited to the window");
    // A tracker without releases (404) just has no such section.
    let (client, _) = start(Script::default()).await;
    assert!(gather(&client, &ReportOptions::default(), now()).await.unwrap().new_in_release.is_none());
}
