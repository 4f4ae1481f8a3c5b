//! A hand-made digest on a fixed clock: realistic titles, a long one, a wide-character one, an
//! empty section, a team assignee, notes, and one hostile title that tries control sequences,
//! Markdown, a table pipe, Slack mentions and links.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use crate::report::{Digest, Entry, SCHEMA_VERSION, Scope, Section, SectionKind, Tally};

pub(crate) const HOSTILE_TITLE: &str = "<!channel> *URGENT* [click](http://evil.example/x) | rm -rf ~ & \u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[31mred\u{1b}[0m\r\nsecond line `code` #12 @here <@U024BE7LH> &amp;";

pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 2, 9, 0, 0).unwrap()
}

fn ago(minutes: i64) -> DateTime<Utc> {
    now() - TimeDelta::minutes(minutes)
}

fn entry(issue_id: &str, short_id: &str, title: &str, project: &str, events: u64, users: u64) -> Entry {
    Entry {
        issue_id: issue_id.into(),
        short_id: short_id.into(),
        title: title.into(),
        culprit: Some("app.handlers in handle_request".into()),
        project: project.into(),
        level: Some("error".into()),
        status: "unresolved".into(),
        priority: Some("medium".into()),
        assignee: None,
        events,
        users,
        first_seen: Some(ago(60 * 24 * 9)),
        last_seen: Some(ago(7)),
        permalink: format!("https://sentry.example.com/organizations/acme/issues/{issue_id}/"),
    }
}

fn section(kind: SectionKind, total: Option<u64>, entries: Vec<Entry>) -> Section {
    Section { kind, release: None, total, entries }
}

fn tally(name: &str, issues: u64, new: u64, events: u64) -> Tally {
    Tally { name: name.into(), issues, new, events }
}

pub(crate) fn digest() -> Digest {
    let email = Entry {
        first_seen: Some(ago(340)),
        priority: Some("high".into()),
        ..entry("4101", "SHOP-1A", "ValueError: bad input for field 'email'", "shop-backend", 1204, 401)
    };
    let hostile = Entry {
        first_seen: Some(ago(95)),
        culprit: Some("evil\u{1b}[2J".into()),
        permalink: "https://sentry.example.com/organizations/acme/issues/4107/?q=a b&x=(1)|<2>".into(),
        ..entry("4107", "API-7", HOSTILE_TITLE, "shop-api", 3, 1)
    };
    let pool = Entry {
        assignee: Some("#payments".into()),
        level: Some("fatal".into()),
        ..entry("3990", "LEDGER-3", "PoolTimeout: connection pool exhausted after 30s", "ledger-worker", 5230, 12)
    };
    let long = entry(
        "3871",
        "SHOP-Q",
        "TimeoutError: upstream payments service did not answer within 30 seconds while capturing the \
         authorization for order 88231 (retry 3 of 3, circuit breaker half-open)",
        "shop-backend",
        877,
        304,
    );
    let wide = entry("4002", "API-2F", "配送先の住所が見つかりません (address lookup failed)", "shop-api", 61, 58);
    let tenant = Entry {
        status: "resolved".into(),
        assignee: Some("Alice Martin".into()),
        ..entry("3702", "SHOP-9", "KeyError: 'tenant_id'", "shop-backend", 14, 3)
    };
    let undefined = Entry {
        priority: Some("high".into()),
        ..entry("4120", "API-9K", "TypeError: Cannot read properties of undefined (reading 'total')", "shop-api", 9, 9)
    };
    let new_in_release = Entry { first_seen: Some(ago(200)), ..wide.clone() };
    Digest {
        version: SCHEMA_VERSION,
        org: "acme".into(),
        since: ago(24 * 60),
        until: now(),
        stats_period: "24h".into(),
        scope: Scope { environments: vec!["production".into()], projects: Vec::new() },
        sections: vec![
            section(SectionKind::New, Some(3), vec![email.clone(), hostile.clone()]),
            section(SectionKind::Regressed, Some(0), Vec::new()),
            section(SectionKind::Escalating, Some(1), vec![pool.clone()]),
            section(SectionKind::TopByEvents, Some(38), vec![pool, email.clone(), long.clone(), wide.clone()]),
            section(SectionKind::TopByUsers, Some(38), vec![email, long, wide]),
            section(SectionKind::Resolved, None, vec![tenant]),
            section(SectionKind::UnassignedHighPriority, Some(1), vec![undefined]),
        ],
        new_in_release: Some(Section {
            release: Some("shop@2.4.0_rc*1".into()),
            ..section(SectionKind::NewInRelease, Some(1), vec![new_in_release])
        }),
        environments: vec![tally("production", 38, 3, 7_516)],
        projects: vec![
            tally("ledger-worker", 6, 0, 5_402),
            tally("shop-api", 14, 2, 196),
            tally("shop-backend", 18, 1, 1_918),
        ],
        notes: vec!["\"Resolved\" checked the activity of the 25 most recently seen of 112 resolved issues.".into()],
    }
}
