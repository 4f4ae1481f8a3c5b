//! Contract suite: every call the console makes, validated by Stoplight Prism against Sentry's
//! OpenAPI schema (`openapi-mock.json`), plus decoding of Prism's static examples and dynamic
//! (random) responses.
//!
//! Contract: ignored by default (needs node + `tests/prism/install.sh`); run with
//! `cargo test --test it -- --ignored prism::` (after `tests/prism/install.sh`). Any 4xx from Prism fails a call and
//! prints Prism's validation messages, except the calls asserted to be absent from the schema
//! (comments, activities, the tag-key list, the organization's tag values) and the documented
//! schema rejections (the `priority`
//! sort extension, descending tag-value sort).

use std::fmt::Debug;

use super::prism_harness::Prism;
use serde_json::Value;
use sift::api::models::{Activity, Environment, Event, EventSummary, Organization, Project, ProjectKey};
use sift::api::*;

const ORG: &str = "the-interstellar-jurisdiction";
const EVENT_ID: &str = "9999aaaaca8b46d797c23c6077c6ff01";

fn client(prism: &Prism, headers: &[(&str, &str)]) -> Client {
    let mut cfg = ClientConfig::new(&prism.base_url, ORG, "prism-test-token").retry(RetryPolicy::none());
    for (k, v) in headers {
        cfg = cfg.header(*k, *v);
    }
    Client::new(cfg).unwrap_or_else(|e| panic!("client: {e}"))
}

#[track_caller]
fn ok<T>(what: &str, r: Result<T, Error>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{what}: Prism rejected or failed the call: {e}\n  ({e:?})"),
    }
}

#[track_caller]
fn not_in_schema<T: Debug>(what: &str, r: Result<T, Error>) {
    match r {
        Err(Error::NotFound { detail }) if detail.contains("hasn't been found in the specification") => {
            eprintln!("  (schema gap, as expected) {what}");
        }
        other => panic!("{what}: expected Prism's NO_PATH_MATCHED 404, got {other:?}"),
    }
}

#[tokio::test]
#[ignore = "needs Prism from tests/prism/install.sh; .ci/run runs it"]
async fn prism_every_console_call_is_accepted() {
    let prism = Prism::start().await;
    let c = client(&prism, &[]);
    let env = vec!["production".to_owned()];

    // Negative control: Prism really validates bodies and query parameters.
    let bogus = IssueUpdate::new().status(UpdateStatus::Other("bogus".into()));
    assert!(matches!(c.update_issue("1", &bogus).await, Err(Error::BadRequest { status: 400, .. })));
    let bogus = IssueListParams::new().sort(IssueSort::Other("bogus".into()));
    assert!(matches!(c.list_issues(&bogus).await, Err(Error::BadRequest { status: 400, .. })));

    let orgs = ok("list organizations", c.list_organizations(None).await);
    assert_eq!(orgs.items[0].slug, ORG);
    let projects = ok("list projects", c.list_projects(Some("0:0:0")).await);
    assert_eq!(projects.items[0].slug, "prime-mover");
    let keys = ok("list project keys", c.list_project_keys("pump-station", None).await);
    assert!(keys.items[0].dsn.public.as_deref().is_some_and(|d| d.starts_with("https://")));
    assert_eq!(keys.items[0].project_id.as_deref(), Some("4505281256090153"));
    let envs = ok("list environments", c.list_environments().await);
    assert_eq!(envs[0].name, "Production");
    ok("list members", c.list_members().await);

    let params = IssueListParams::new()
        .query("is:unresolved level:error")
        .sort(IssueSort::Freq)
        .environment("production")
        .environment("staging")
        .project(2)
        .limit(25)
        .cursor("0:25:0")
        .stats_period("14d")
        .group_stats_period(GroupStatsPeriod::Day)
        .short_id_lookup(true);
    let page = ok("list issues", c.list_issues(&params).await);
    let first = &page.items[0];
    assert_eq!((first.id.as_str(), first.short_id.as_str(), first.count), ("1", "PUMP-STATION-1", 150));
    assert_eq!(first.priority, Some(Priority::Medium));
    assert_eq!(first.substatus, Some(Substatus::ArchivedUntilConditionMet));
    assert_eq!(first.stats.series("24h").map(<[_]>::len), Some(24));
    assert!(page.next_cursor.is_none(), "Prism sends no Link header");
    assert!(c.capabilities().supports_priority() && c.capabilities().supports_substatus());
    for sort in
        [IssueSort::Date, IssueSort::New, IssueSort::User, IssueSort::Trends, IssueSort::Inbox, IssueSort::Recommended]
    {
        ok("list issues sorted", c.list_issues(&IssueListParams::new().query("").sort(sort)).await);
    }
    ok("list issues, defaults", c.list_issues(&IssueListParams::new()).await);
    // The `priority` sort is sift's own extension: Sentry's schema rejects it.
    let rejected = c.list_issues(&IssueListParams::new().sort(IssueSort::Priority)).await;
    assert!(matches!(rejected, Err(Error::BadRequest { status: 400, .. })), "{rejected:?}");

    let issue = ok("issue detail", c.issue("1", &env).await);
    assert_eq!((issue.title.as_str(), issue.user_count), ("This is an example Python exception", 12));
    assert_eq!(issue.first_release.as_ref().map(|r| r.display_version()), Some("1764232"));
    assert_eq!(issue.tags.len(), 2);
    ok("issue detail by short id", c.issue("PUMP-STATION-1", &[]).await);
    let lookup = ok("short id lookup", c.resolve_short_id("PUMP-STATION-1").await);
    assert_eq!((lookup.group_id.as_str(), lookup.group.id.as_str()), ("1", "1"));
    assert!(ok("find by short id", c.find_issue_by_short_id("PUMP-STATION-1").await).is_some());

    for (what, ev) in [
        ("latest event", c.latest_event("1", &env).await),
        ("oldest event", c.oldest_event("1", &env).await),
        ("recommended event", c.recommended_event("1", &[]).await),
        ("event by id", c.event("1", EVENT_ID, &env).await),
    ] {
        let ev = ok(what, ev);
        assert_eq!(ev.event_id, EVENT_ID, "{what}");
        assert_eq!(ev.environment(), Some("prod"));
        assert!(ev.exception().is_some_and(|x| !x.values[0].stacktrace.as_ref().is_some_and(|s| s.frames.is_empty())));
        assert_eq!(ev.breadcrumbs().map(|b| b.values.len()), Some(3));
        assert_eq!(ev.release.as_ref().map(|r| r.version.len()), Some(40));
    }
    let ep = EventListParams {
        query: Some("user.email:a@b.c".into()),
        environments: env.clone(),
        stats_period: Some("24h".into()),
        per_page: Some(50),
        cursor: Some("0:50:0".into()),
        ..Default::default()
    };
    let events = ok("list events", c.list_events("1", &ep).await);
    assert_eq!(events.items[0].event_type.as_deref(), Some("error"));
    ok("list full events", c.list_events_full("1", &EventListParams { sample: true, ..Default::default() }).await);
    // The detail screen's "event N of M": a start/end window with millisecond times.
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-22T11:53:00.123Z").unwrap().with_timezone(&chrono::Utc);
    ok("event position", c.event_position("1", at, &env).await);

    let tag = ok("tag key", c.issue_tag("1", "browser", &env).await);
    assert_eq!((tag.key.as_str(), tag.top_values.len()), ("flavors", 2));
    for sort in [TagValueSort::Age, TagValueSort::Count, TagValueSort::Date, TagValueSort::Id] {
        let p = TagValuesParams {
            sort: Some(sort),
            environments: env.clone(),
            cursor: Some("0:100:0".into()),
            ..Default::default()
        };
        let values = ok("tag values", c.issue_tag_values("1", "browser", &p).await);
        assert_eq!(values.items.len(), 4);
    }
    // Sentry documents `-count` but the schema's enum has no `-` variants.
    let p = TagValuesParams { sort: Some(TagValueSort::Count), descending: true, ..Default::default() };
    assert!(matches!(c.issue_tag_values("1", "browser", &p).await, Err(Error::BadRequest { status: 400, .. })));

    // Search completion: the organization's keys are in the schema; its values, which Sentry
    // serves, are not.
    let org_keys = ok("organization tag keys", c.org_tags(&[2], &env).await);
    assert!(org_keys.iter().any(|k| k.key == "browser"), "{org_keys:?}");
    not_in_schema("organization tag values", c.org_tag_values("browser", "Chr", &[2], &env).await);

    for (name, update) in update_variants() {
        ok(&format!("single update {name}"), c.update_issue("1", &update).await);
        ok(&format!("bulk update {name}"), c.bulk_update_issues(&["1", "2"], &update).await);
    }

    not_in_schema("issue tag keys", c.issue_tags("1", &[]).await);
    not_in_schema("list comments", c.list_comments("1", None).await);
    not_in_schema("add comment", c.add_comment("1", "hello", &[]).await);
    not_in_schema("edit comment", c.edit_comment("1", "5", "edited").await);
    not_in_schema("delete comment", c.delete_comment("1", "5").await);
    not_in_schema("activity", c.list_activity("1").await);

    for (code, check) in [("401", 401u16), ("403", 403), ("404", 404)] {
        let forced = client(&prism, &[("Prefer", &format!("code={code}"))]);
        let e = forced.issue("1", &[]).await.expect_err("forced error");
        assert_eq!(e.status(), Some(check), "{e:?}");
    }
}

fn update_variants() -> Vec<(String, IssueUpdate)> {
    let mut v: Vec<(String, IssueUpdate)> = vec![
        ("resolve".into(), IssueUpdate::resolve()),
        ("resolve in next release".into(), IssueUpdate::resolve_in_next_release()),
        ("resolve in release".into(), IssueUpdate::resolve_in_release("latest")),
        (
            "resolve in commit".into(),
            IssueUpdate::resolve().status_details(StatusDetailsUpdate {
                in_commit: Some(InCommit { commit: "abc123".into(), repository: "getsentry/sentry".into() }),
                ..Default::default()
            }),
        ),
        ("unresolve".into(), IssueUpdate::unresolve()),
        ("archive forever".into(), IssueUpdate::archive_forever()),
        ("archive until escalating".into(), IssueUpdate::archive_until_escalating()),
        (
            "until escalating (details)".into(),
            IssueUpdate::new()
                .status(UpdateStatus::Ignored)
                .status_details(StatusDetailsUpdate { until_escalating: Some(true), ..Default::default() }),
        ),
        ("ignore for".into(), IssueUpdate::ignore_for(30)),
        ("ignore until count".into(), IssueUpdate::ignore_until_count(100, Some(MAX_IGNORE_WINDOW_MINUTES))),
        ("ignore until user count".into(), IssueUpdate::ignore_until_user_count(10, Some(60))),
        ("mute".into(), IssueUpdate::new().status(UpdateStatus::Muted)),
        ("assign user".into(), IssueUpdate::assign(AssignTarget::User("1".into()))),
        ("assign team".into(), IssueUpdate::assign(AssignTarget::Team("2".into()))),
        ("assign email".into(), IssueUpdate::assign(AssignTarget::Name("jane@example.com".into()))),
        ("unassign".into(), IssueUpdate::unassign()),
        ("bookmark".into(), IssueUpdate::bookmark(true)),
        ("unbookmark".into(), IssueUpdate::bookmark(false)),
        ("seen".into(), IssueUpdate::mark_seen(true)),
        ("reviewed".into(), IssueUpdate::mark_reviewed()),
        ("subscribe".into(), IssueUpdate::new().is_subscribed(true)),
        ("public".into(), IssueUpdate::new().is_public(false)),
    ];
    for p in [Priority::High, Priority::Medium, Priority::Low] {
        v.push((format!("priority {p}"), IssueUpdate::set_priority(p)));
    }
    for s in [
        "archived_until_escalating",
        "archived_until_condition_met",
        "archived_forever",
        "escalating",
        "ongoing",
        "regressed",
        "new",
    ] {
        v.push((format!("substatus {s}"), IssueUpdate::new().substatus(Substatus::parse(s))));
    }
    v
}

/// `raw[key]`, when a string, survives decoding (checked on our re-serialization).
fn keeps(what: &str, raw: &Value, decoded: &Value, keys: &[&str]) {
    for key in keys {
        if let Some(want) = raw.get(*key).and_then(Value::as_str) {
            assert_eq!(decoded.get(*key).and_then(Value::as_str), Some(want), "{what}: `{key}` lost in decoding");
        }
    }
}

fn decode_and_compare<T: serde::de::DeserializeOwned + serde::Serialize>(what: &str, raw: &Value, keys: &[&str]) {
    let check_one = |item: &Value| {
        let model: T = serde_json::from_value(item.clone()).unwrap_or_else(|e| panic!("{what}: decode failed: {e}"));
        let again = serde_json::to_value(&model).unwrap_or_else(|e| panic!("{what}: re-encode failed: {e}"));
        keeps(what, item, &again, keys);
    };
    match raw {
        Value::Array(items) => items.iter().for_each(check_one),
        other => check_one(other),
    }
}

/// Decodes one raw response of an endpoint and checks it kept the known fields.
type Check = fn(&str, &Value);

#[tokio::test]
#[ignore = "needs Prism from tests/prism/install.sh; .ci/run runs it"]
async fn prism_static_and_dynamic_responses_decode() {
    let prism = Prism::start().await;
    let http = reqwest::Client::new();
    let o = format!("organizations/{ORG}");
    let endpoints: Vec<(&str, String, Check)> = vec![
        ("orgs", "organizations/".into(), |w, r| decode_and_compare::<Organization>(w, r, &["id", "slug", "name"])),
        ("projects", format!("{o}/projects/"), |w, r| decode_and_compare::<Project>(w, r, &["id", "slug", "name"])),
        ("keys", "projects/x/y/keys/".into(), |w, r| decode_and_compare::<ProjectKey>(w, r, &["id", "name", "public"])),
        ("envs", format!("{o}/environments/"), |w, r| decode_and_compare::<Environment>(w, r, &["id", "name"])),
        ("issues", format!("{o}/issues/"), |w, r| decode_and_compare::<Issue>(w, r, &["id", "title", "shortId"])),
        ("issue", format!("{o}/issues/1/"), |w, r| decode_and_compare::<Issue>(w, r, &["id", "title", "shortId"])),
        ("shortid", format!("{o}/shortids/X-1/"), |w, r| {
            decode_and_compare::<ShortIdLookup>(w, r, &["groupId", "shortId"])
        }),
        ("event", format!("{o}/issues/1/events/latest/"), |w, r| {
            decode_and_compare::<Event>(w, r, &["id", "eventID", "title"])
        }),
        ("events", format!("{o}/issues/1/events/"), |w, r| {
            decode_and_compare::<EventSummary>(w, r, &["id", "eventID", "title"])
        }),
        ("tag", format!("{o}/issues/1/tags/browser/"), |w, r| decode_and_compare::<TagKey>(w, r, &["key", "name"])),
        ("tag values", format!("{o}/issues/1/tags/browser/values/"), |w, r| {
            decode_and_compare::<TagValue>(w, r, &["key", "name", "value"])
        }),
        ("bulk update result", format!("{o}/issues/?id=1"), |w, r| decode_and_compare::<BulkUpdateResult>(w, r, &[])),
        ("activity (issue detail)", format!("{o}/issues/1/"), |w, r| {
            let acts = r.get("activity").cloned().unwrap_or(Value::Null);
            decode_and_compare::<Activity>(w, &acts, &["id", "type"]);
        }),
    ];
    for dynamic in [false, true] {
        let runs = if dynamic { 6 } else { 1 };
        for (what, path, check) in &endpoints {
            for _ in 0..runs {
                let url = format!("{}api/0/{path}", prism.base_url);
                let mut req = if *what == "bulk update result" {
                    http.put(&url).json(&IssueUpdate::resolve())
                } else {
                    http.get(&url)
                };
                req = req.bearer_auth("prism-test-token");
                if dynamic {
                    req = req.header("Prefer", "dynamic=true");
                }
                let resp = req.send().await.expect("prism reachable");
                assert!(
                    resp.status().is_success(),
                    "{what}: {} {:?}",
                    resp.status(),
                    resp.headers().get("sl-violations")
                );
                let raw: Value = resp.json().await.expect("prism sends JSON");
                check(&format!("{what} (dynamic={dynamic})"), &raw);
            }
        }
    }

    // The client itself never fails to decode dynamic data.
    let c = client(&prism, &[("Prefer", "dynamic=true")]);
    for _ in 0..6 {
        ok("dyn orgs", c.list_organizations(None).await);
        ok("dyn projects", c.list_projects(None).await);
        ok("dyn keys", c.list_project_keys("p", None).await);
        ok("dyn envs", c.list_environments().await);
        ok("dyn members", c.list_members().await);
        ok("dyn issues", c.list_issues(&IssueListParams::new().query("")).await);
        ok("dyn issue", c.issue("1", &[]).await);
        ok("dyn shortid", c.resolve_short_id("X-1").await);
        ok("dyn latest", c.latest_event("1", &[]).await);
        ok("dyn event", c.event("1", EVENT_ID, &[]).await);
        ok("dyn events", c.list_events("1", &EventListParams::default()).await);
        ok("dyn full events", c.list_events_full("1", &EventListParams::default()).await);
        ok("dyn tag", c.issue_tag("1", "browser", &[]).await);
        ok("dyn tag values", c.issue_tag_values("1", "browser", &TagValuesParams::default()).await);
        ok("dyn update", c.update_issue("1", &IssueUpdate::resolve()).await);
        ok("dyn bulk", c.bulk_update_issues(&["1"], &IssueUpdate::resolve()).await);
    }
}
