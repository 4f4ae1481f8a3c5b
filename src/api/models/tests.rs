//! Decoding tests: Sentry-shaped payloads, GlitchTip-style minimal payloads, nulls, unknown
//! members and wrong types.

use serde_json::json;

use super::*;

fn sentry_issue() -> serde_json::Value {
    json!({
        "annotations": [], "assignedTo": {"type": "team", "id": "4", "name": "backend"},
        "count": "150", "culprit": "raven.scripts.runner in main", "firstSeen": "2018-11-06T21:19:55Z",
        "filtered": null, "hasSeen": false, "id": "1", "isBookmarked": true, "isPublic": false,
        "isSubscribed": true, "lastSeen": "2018-12-06T21:19:55Z", "level": "error", "logger": null,
        "metadata": {"title": "This is an example Python exception", "in_app_frame_mix": "mixed"},
        "numComments": 2, "permalink": "https://sentry.io/org/proj/issues/1/",
        "project": {"id": "2", "name": "Pump Station", "slug": "pump-station", "platform": "python"},
        "shareId": "123def456abc", "shortId": "PUMP-STATION-1",
        "stats": {"24h": [[1541455200, 473], [1541458800, 914]]},
        "priority": "medium", "priorityLockedAt": null,
        "lifetime": {"count": "151", "userCount": 3, "firstSeen": "2018-11-06T21:19:55Z", "lastSeen": null},
        "status": "ignored", "substatus": "archived_until_condition_met",
        "statusDetails": {"ignoreCount": 10, "ignoreWindow": 60}, "subscriptionDetails": null,
        "title": "This is an example Python exception", "type": "default", "userCount": 7,
        "isUnhandled": true, "issueCategory": "performance", "issueType": "performance_n_plus_one_db_queries",
        "seerFixabilityScore": null, "derivedData": {"blocker": "none"}, "brandNewField": {"x": [1, 2]}
    })
}

#[test]
fn full_issue() {
    let issue: Issue = serde_json::from_value(sentry_issue()).unwrap();
    assert_eq!(issue.id, "1");
    assert_eq!(issue.short_id, "PUMP-STATION-1");
    assert_eq!(issue.count, 150);
    assert_eq!(issue.lifetime_count(), 151);
    assert_eq!(issue.user_count, 7);
    assert_eq!(issue.status, Some(IssueStatus::Ignored));
    assert_eq!(issue.substatus, Some(Substatus::ArchivedUntilConditionMet));
    assert_eq!(issue.priority, Some(Priority::Medium));
    assert_eq!(issue.level, Some(Level::Error));
    assert_eq!(issue.status_details.ignore_count, Some(10));
    let a = issue.assigned_to.as_ref().unwrap();
    assert_eq!((a.kind.clone(), a.id.as_str(), a.display_name()), (AssigneeKind::Team, "4", "backend"));
    assert_eq!(issue.project.slug, "pump-station");
    assert_eq!(issue.metadata.title.as_deref(), Some("This is an example Python exception"));
    assert_eq!(issue.metadata.extra.get("in_app_frame_mix"), Some(&json!("mixed")));
    assert_eq!(issue.stats.series("24h").unwrap()[1].count, 914);
    assert!(issue.is_bookmarked && issue.is_unhandled && !issue.has_seen);
    assert_eq!(issue.num_comments, 2);
    assert!(issue.filtered.is_none());
    assert_eq!(issue.kind.as_deref(), Some("default"));
    // Round trip through our own serialization.
    let again: Issue = serde_json::from_value(serde_json::to_value(&issue).unwrap()).unwrap();
    assert_eq!(again, issue);
}

#[test]
fn minimal_glitchtip_style_issue() {
    // No priority/substatus/stats/lifetime; numeric count and id; annotations as strings.
    let issue: Issue = serde_json::from_value(json!({
        "id": 42, "shortId": "APP-1", "title": "boom", "count": 17, "status": "unresolved",
        "level": "warning", "lastSeen": "2024-01-01T00:00:00.123456", "annotations": ["JIRA-1"],
        "assignedTo": "alice@example.com", "project": {"id": 3, "slug": "app", "name": "App"}
    }))
    .unwrap();
    assert_eq!((issue.id.as_str(), issue.count), ("42", 17));
    assert_eq!(issue.priority, None);
    assert_eq!(issue.substatus, None);
    assert!(issue.stats.is_empty());
    assert!(issue.last_seen.is_some());
    assert_eq!(issue.annotations[0].display_name, "JIRA-1");
    assert_eq!(issue.assigned_to.unwrap().id, "alice@example.com");
    assert_eq!(issue.project.id, "3");
}

#[test]
fn nulls_unknown_enums_and_wrong_types() {
    let issue: Issue = serde_json::from_value(json!({
        "id": "9", "title": null, "count": "string", "userCount": null, "status": "pending_review",
        "substatus": "brand_new_substatus", "priority": 75, "level": null, "statusDetails": null,
        "assignedTo": null, "project": null, "metadata": "oops", "stats": null, "isBookmarked": null,
        "firstSeen": "not a date", "annotations": [{"displayName": "x", "url": "u"}, 5],
        "firstRelease": "1.0.0", "lastRelease": {"version": "2.0.0"}, "activity": [{"id": 1, "type": "note", "data": {"text": "hi"}}]
    }))
    .unwrap();
    assert_eq!(issue.title, "");
    assert_eq!(issue.count, 0);
    assert_eq!(issue.status, Some(IssueStatus::Other("pending_review".into())));
    assert_eq!(issue.substatus, Some(Substatus::Other("brand_new_substatus".into())));
    assert_eq!(issue.priority, Some(Priority::High));
    assert_eq!(issue.first_seen, None);
    assert_eq!(issue.annotations.len(), 1);
    assert_eq!(issue.first_release.unwrap().version, "1.0.0");
    assert_eq!(issue.last_release.unwrap().version, "2.0.0");
    assert_eq!(issue.activity[0].text(), Some("hi"));
    assert!(issue.activity[0].is_note());
    // A bare empty object decodes too.
    let empty: Issue = serde_json::from_value(json!({})).unwrap();
    assert_eq!(empty, Issue::default());
}

#[test]
fn event_with_entries() {
    let entries = json!([
            {"type": "exception", "data": {"values": [{"type": "ForbiddenError", "value": "GET /x 403",
                "mechanism": {"type": "generic", "handled": true}, "threadId": null,
                "stacktrace": {"frames": [{"function": "apply", "lineNo": 74, "colNo": 24, "inApp": false,
                    "absPath": "webpack:///x.js", "context": [[73, "a"], [74, "b"], ["bad"], [75, null]]}],
                    "framesOmitted": null, "hasSystemFrames": true}}], "excOmitted": null, "hasSystemFrames": true}},
            {"type": "breadcrumbs", "data": {"values": [{"category": "xhr", "level": "info", "type": "http",
                "timestamp": "2020-06-17T22:26:55.619446Z", "data": {"status_code": 200}, "event_id": null}]}},
            {"type": "request", "data": {"url": "https://sentry.io/x/", "method": null,
                "headers": [["User-Agent", "Mozilla"]], "query": [["project", "5236886"]], "cookies": [], "env": null}},
            {"type": "message", "data": {"formatted": "hello"}},
            {"type": "threads", "data": {"values": [{"id": 1, "crashed": true, "stacktrace": {"frames": []}}]}},
            {"type": "debugmeta", "data": {"images": []}},
            {"type": "exception", "data": null},
            "not an entry"
    ]);
    let mut raw = json!({
        "id": "9999aaafcc8b46d797c23c6077c6ff01", "eventID": "9999aaaaca8b46d797c23c6077c6ff01",
        "groupID": "1341191803", "projectID": 5236886, "title": "ForbiddenError: GET /x 403", "message": "",
        "platform": "javascript", "type": "error", "dateCreated": "2020-06-17T22:26:56.098086Z",
        "dateReceived": null, "nextEventID": "99f9e199e9a74a14bfef6196ad741619", "previousEventID": null,
        "tags": [{"key": "environment", "value": "prod"}, ["level", "error"], {"key": "n", "value": 5}],
        "user": {"id": "550747", "ip_address": "192.168.1.1", "email": "hell@boy.cat", "name": null, "data": {"isStaff": false}},
        "sdk": {"name": "sentry.javascript.browser", "version": "5.17.0"},
        "release": {"version": "b65bc52", "dateReleased": "2020-06-17T19:21:02.186004Z", "lastDeploy": {"id": "1"}},
        "contexts": {"browser": {"type": "browser", "name": "Chrome"}}, "context": {"resp": {"status": 403}},
        "fingerprints": ["fbe908cc63d63ea9763fd84cb6bad177"], "errors": [{"type": "js_invalid_sourcemap_location", "message": "m"}],
        "_meta": {}, "occurrence": null, "sdkUpdates": []
    });
    raw["entries"] = entries;
    let event: Event = serde_json::from_value(raw).unwrap();
    assert_eq!(event.event_id, "9999aaaaca8b46d797c23c6077c6ff01");
    assert_eq!(event.project_id.as_deref(), Some("5236886"));
    assert_eq!(event.environment(), Some("prod"));
    assert_eq!(event.tag("level"), Some("error"));
    assert_eq!(event.tag("n"), Some("5"));
    assert_eq!(event.user.as_ref().unwrap().ip_address.as_deref(), Some("192.168.1.1"));
    assert_eq!(event.user.as_ref().unwrap().display_name(), Some("hell@boy.cat"));
    assert_eq!(event.release.as_ref().unwrap().version, "b65bc52");
    assert_eq!(event.entries.len(), 7, "the non-object entry is dropped");
    let exc = event.exception().unwrap();
    let frame = &exc.values[0].stacktrace.as_ref().unwrap().frames[0];
    assert_eq!(frame.line_no, Some(74));
    assert_eq!(
        frame.context,
        vec![
            ContextLine { line_no: 73, text: "a".into() },
            ContextLine { line_no: 74, text: "b".into() },
            ContextLine { line_no: 75, text: String::new() },
        ]
    );
    assert_eq!(exc.values[0].mechanism.as_ref().unwrap().handled, Some(true));
    assert_eq!(event.breadcrumbs().unwrap().values[0].category.as_deref(), Some("xhr"));
    assert_eq!(event.request().unwrap().headers, vec![("User-Agent".to_owned(), "Mozilla".to_owned())]);
    assert_eq!(event.message_entry().unwrap().text(), Some("hello"));
    assert!(
        matches!(&event.entries[4], Entry::Threads(t) if t.values[0].crashed && t.values[0].id.as_deref() == Some("1"))
    );
    assert!(matches!(&event.entries[5], Entry::Other { kind, .. } if kind == "debugmeta"));
    assert!(matches!(&event.entries[6], Entry::Other { kind, data } if kind == "exception" && data.is_null()));
    assert_eq!(event.next_event_id.as_deref(), Some("99f9e199e9a74a14bfef6196ad741619"));
    let again: Event = serde_json::from_value(serde_json::to_value(&event).unwrap()).unwrap();
    assert_eq!(again, event);
}

#[test]
fn event_summary_tags_and_orgs() {
    let s: Vec<EventSummary> = serde_json::from_value(json!([{
        "eventID": "9fac2ceed9344f2bbfdd1fdacb0ed9b1", "id": "dfb1a2d057194e76a4186cc8a5271553",
        "event.type": "error", "groupID": "1889724436", "title": "t", "tags": [{"key": "level", "value": "fatal"}],
        "dateCreated": "2020-09-11T17:46:36Z", "user": null, "crashFile": null
    }]))
    .unwrap();
    assert_eq!(s[0].event_type.as_deref(), Some("error"));
    assert_eq!(s[0].tag("level"), Some("fatal"));

    let tag: TagKey = serde_json::from_value(json!({"key": "browser", "name": "Browser", "topValues": null,
        "totalValues": 3, "uniqueValues": null}))
    .unwrap();
    assert!(tag.top_values.is_empty());
    assert_eq!(tag.total_values, Some(3));
    let v: TagValue = serde_json::from_value(json!({"key": "k", "name": "n", "value": null, "count": "4",
        "lastSeen": "2024-01-01T00:00:00Z", "firstSeen": null}))
    .unwrap();
    assert_eq!((v.value, v.count), (None, 4));

    let key: ProjectKey =
        serde_json::from_value(json!({"id": "abc", "name": "Default", "projectId": 4505281256090153u64,
        "isActive": true, "rateLimit": null, "dsn": {"public": "https://k@o1.ingest.sentry.io/2", "secret": "s"}}))
        .unwrap();
    assert_eq!(key.project_id.as_deref(), Some("4505281256090153"));
    assert_eq!(key.dsn.public.as_deref(), Some("https://k@o1.ingest.sentry.io/2"));
    let org: Organization =
        serde_json::from_value(json!({"id": "2", "slug": "acme", "name": "Acme", "require2FA": true,
        "status": {"id": "active", "name": "active"}, "links": {"regionUrl": "https://us.sentry.io"}}))
        .unwrap();
    assert!(org.require_2fa);
    assert_eq!(org.links.unwrap().region_url.as_deref(), Some("https://us.sentry.io"));
    let p: Project = serde_json::from_value(json!({"id": "3", "slug": "p", "name": "P", "platform": "",
        "teams": [{"id": "2", "slug": "t", "name": "T"}, null]}))
    .unwrap();
    assert_eq!((p.numeric_id(), p.teams.len()), (Some(3), 1));
    let envs: Vec<Environment> = serde_json::from_value(json!([{"id": "1", "name": "Production"}])).unwrap();
    assert_eq!(envs[0].name, "Production");
    let lookup: ShortIdLookup =
        serde_json::from_value(json!({"groupId": "1", "shortId": "P-1", "group": sentry_issue()})).unwrap();
    assert_eq!(lookup.group.count, 150);
    let bulk: BulkUpdateResult =
        serde_json::from_value(json!({"status": "resolved", "statusDetails": {}, "substatus": null, "inbox": false}))
            .unwrap();
    assert_eq!((bulk.status, bulk.substatus, bulk.inbox), (Some(IssueStatus::Resolved), None, Some(false)));
}
