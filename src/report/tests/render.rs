//! Snapshots of every format rendered from the fixture digest, and the promises each format
//! makes about width, escaping and limits checked directly.

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use super::fixtures::{HOSTILE_TITLE, digest};
use crate::report::{Digest, Format, SectionKind, render};

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("markdown", render(&digest(), Format::Markdown, 80));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json", render(&digest(), Format::Json, 80));
}

#[test]
fn slack_snapshot() {
    insta::assert_snapshot!("slack", render(&digest(), Format::Slack, 80));
}

#[test]
fn text_snapshots() {
    for width in [80, 120, 50] {
        insta::assert_snapshot!(format!("text_{width}"), render(&digest(), Format::Text, width));
    }
}

#[test]
fn only_text_looks_at_the_width() {
    for format in [Format::Markdown, Format::Json, Format::Slack] {
        assert_eq!(render(&digest(), format, 20), render(&digest(), format, 200), "{format}");
    }
    assert_eq!(render(&digest(), Format::Text, 0), render(&digest(), Format::Text, 80));
}

#[test]
fn text_is_never_wider_than_the_terminal_and_has_no_escapes() {
    for width in 1..=160 {
        let out = render(&digest(), Format::Text, width);
        for line in out.lines() {
            assert!(line.width() <= width, "width {width}: {line:?} is {} wide", line.width());
            assert_eq!(line, line.trim_end(), "trailing spaces at width {width}");
            assert!(!line.chars().any(char::is_control), "control character at width {width}: {line:?}");
        }
    }
}

#[test]
fn markdown_escapes_the_hostile_title() {
    let out = render(&digest(), Format::Markdown, 80);
    let line = out.lines().find(|l| l.contains("[API-7]")).unwrap();
    assert!(!line.chars().any(char::is_control), "{line:?}");
    for raw in ["<!channel>", "*URGENT*", "[click]", " | ", "`code`", " #12", " @here"] {
        assert!(!line.contains(raw), "{raw:?} left as markup in {line}");
    }
    assert!(line.contains(r"\<!channel\> \*URGENT\* \[click\](http"), "{line}");
    assert!(line.contains(r"\<\@U024BE7LH\> \&amp;"), "{line}");
    assert!(line.contains("(https://sentry.example.com/organizations/acme/issues/4107/?q=a%20b&x=%281%29|%3C2%3E)"));
    assert_eq!(out.lines().filter(|l| l.starts_with("| ")).count(), 2 * 2 + 1 + 3, "table rows: {out}");
}

#[test]
fn slack_payload_is_escaped_and_within_limits() {
    let out = render(&digest(), Format::Slack, 80);
    let payload: Value = serde_json::from_str(&out).unwrap();
    assert!(payload["text"].as_str().unwrap().starts_with("Standup digest for acme, last 24h: 3 new, 0 regressed"));
    let texts = slack_texts(&payload);
    let hostile = texts.iter().find(|t| t.contains("|API-7>")).unwrap();
    assert!(!hostile.contains("<!channel>") && !hostile.contains("<@U024") && !hostile.contains("<http://evil"));
    assert!(hostile.contains("&lt;!channel&gt;") && hostile.contains("&amp;amp;"), "{hostile}");
    assert!(
        hostile
            .contains("<https://sentry.example.com/organizations/acme/issues/4107/?q=a%20b&amp;x=(1)%7C%3C2%3E|API-7>")
    );
    assert!(!out.contains('\u{1b}'));
    assert!(HOSTILE_TITLE.contains('\u{1b}'));
}

#[test]
fn slack_respects_block_and_text_limits() {
    let mut big: Digest = digest();
    let template = big.sections[0].entries[0].clone();
    for section in &mut big.sections {
        section.entries = (0..100)
            .map(|i| {
                let mut e = template.clone();
                e.short_id = format!("SHOP-{i}");
                e.title = format!("{} <&> {}", "x".repeat(150), "y".repeat(150));
                e
            })
            .collect();
    }
    big.notes = (0..200).map(|i| format!("note {i} {}", "z".repeat(40))).collect();
    let payload: Value = serde_json::from_str(&render(&big, Format::Slack, 80)).unwrap();
    let blocks = payload["blocks"].as_array().unwrap();
    assert!(blocks.len() <= 50);
    for text in slack_texts(&payload) {
        assert!(text.chars().count() <= 3000, "{} chars", text.chars().count());
    }
    let first = blocks[2]["text"]["text"].as_str().unwrap();
    assert!(first.ends_with("\n…"), "{}", &first[first.len() - 40..]);
    assert!(first.lines().all(|l| l == "…" || l.starts_with("*New") || l.ends_with("shop-backend")));
    let header = blocks[0]["text"]["text"].as_str().unwrap();
    assert!(header.chars().count() <= 150);
}

#[test]
fn json_is_versioned_and_keeps_the_documented_shape() {
    let v: Value = serde_json::from_str(&render(&digest(), Format::Json, 80)).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let expected = [
        "version",
        "org",
        "since",
        "until",
        "stats_period",
        "scope",
        "sections",
        "new_in_release",
        "environments",
        "projects",
        "notes",
    ];
    assert_eq!(keys, expected);
    assert_eq!(
        (v["new_in_release"]["kind"].as_str(), v["new_in_release"]["release"].as_str()),
        (Some("new_in_release"), Some("shop@2.4.0_rc*1"))
    );
    assert!(v["sections"][0].get("release").is_none(), "the seven sections name no release");
    assert_eq!(v["version"], 1);
    assert_eq!(v["since"], "2024-05-01T09:00:00Z");
    let kinds: Vec<&str> = v["sections"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
    let all: Vec<&str> = SectionKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(kinds, all);
    let entry = &v["sections"][0]["entries"][1];
    assert_eq!(entry["title"], HOSTILE_TITLE, "JSON keeps tracker text verbatim");
    let entry_keys: Vec<&str> = entry.as_object().unwrap().keys().map(String::as_str).collect();
    let expected = [
        "issue_id",
        "short_id",
        "title",
        "culprit",
        "project",
        "level",
        "status",
        "priority",
        "assignee",
        "events",
        "users",
        "first_seen",
        "last_seen",
        "permalink",
    ];
    assert_eq!(entry_keys, expected);
    assert_eq!(v["sections"][5]["total"], Value::Null);
}

/// Every text object of a Block Kit payload.
fn slack_texts(payload: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for block in payload["blocks"].as_array().unwrap() {
        if let Some(t) = block["text"]["text"].as_str() {
            out.push(t.to_owned());
        }
        for element in block["elements"].as_array().into_iter().flatten() {
            out.extend(element["text"].as_str().map(str::to_owned));
        }
    }
    out
}
