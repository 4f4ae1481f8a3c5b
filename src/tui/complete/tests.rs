//! The word under the cursor, what it wants, and what completes it.

use super::*;

fn input(text: &str) -> Input {
    Input::with(text)
}

fn tag(key: &str, unique: u64) -> TagKey {
    TagKey { key: key.into(), name: key.into(), unique_values: Some(unique), ..TagKey::default() }
}

fn value(text: &str, count: u64) -> TagValue {
    TagValue { key: "browser".into(), name: text.into(), value: Some(text.into()), count, ..TagValue::default() }
}

fn inserts(candidates: &[Candidate]) -> Vec<&str> {
    candidates.iter().map(|c| c.insert.as_str()).collect()
}

#[test]
fn the_word_before_the_cursor_keeps_quoted_spaces_and_lists() {
    assert_eq!(token(&input("is:unresolved lev")), Token { start: 14, text: "lev".into() });
    assert_eq!(token(&input("")), Token { start: 0, text: String::new() });
    assert_eq!(token(&input("a ")), Token { start: 2, text: String::new() });
    assert_eq!(token(&input("browser:\"Chrome 1")).text, "browser:\"Chrome 1");
    assert_eq!(token(&input("x browser:\"a \\\" b")).text, "browser:\"a \\\" b");
    assert_eq!(token(&input("level:[error, war")).text, "level:[error, war");
    let mut middle = input("level:er timeout");
    middle.cursor = 8;
    assert_eq!(token(&middle).text, "level:er");
}

#[test]
fn a_word_wants_a_key_or_a_keys_value() {
    assert_eq!(want("lev"), Want::Key { negated: false, prefix: "lev".into() });
    assert_eq!(want("!is"), Want::Key { negated: true, prefix: "is".into() });
    assert_eq!(
        want("!browser:Chr"),
        Want::Value { head: "!browser:".into(), key: "browser".into(), prefix: "Chr".into() }
    );
    assert_eq!(
        want("lastSeen:>-2"),
        Want::Value { head: "lastSeen:>".into(), key: "lastSeen".into(), prefix: "-2".into() }
    );
    assert_eq!(
        want("tags[os.name]:\"Mac"),
        Want::Value { head: "tags[os.name]:".into(), key: "os.name".into(), prefix: "Mac".into() }
    );
    assert!(matches!(want("level:[error, "), Want::Nothing(_)));
}

#[test]
fn keys_come_from_the_syntax_then_the_servers_tags() {
    let tags = [tag("browser", 4), tag("level", 3), tag("server_name", 2)];
    let found = candidates(&want("le"), Catalogue::default(), &tags, &[]);
    assert_eq!(inserts(&found), ["level:"], "a tag the syntax knows is offered once");
    let found = candidates(&want("b"), Catalogue::default(), &tags, &[]);
    assert_eq!(inserts(&found), ["bookmarks:", "browser:"]);
    assert_eq!(found[1].detail, "tag · 4 values");
    let found = candidates(&want("!ass"), Catalogue::default(), &tags, &[]);
    assert_eq!(inserts(&found), ["!assigned:", "!assigned_or_suggested:"]);
    assert_eq!(inserts(&candidates(&want("FIRSTs"), Catalogue::default(), &[], &[])), ["firstSeen:"]);
    assert!(candidates(&want("zzz"), Catalogue::default(), &tags, &[]).is_empty());
    assert_eq!(nothing(&want("zzz"), Catalogue::default()), "no search key or tag starts with \"zzz\"");
}

#[test]
fn values_come_from_the_syntax_the_catalogue_or_the_server() {
    let none = Catalogue::default();
    assert_eq!(inserts(&candidates(&want("is:esc"), none, &[], &[])), ["is:escalating "]);
    assert_eq!(inserts(&candidates(&want("level:"), none, &[], &[])).len(), 5);
    let members = [crate::api::Member {
        id: "2".into(),
        name: "Ana Lima".into(),
        username: Some("ana".into()),
        email: Some("ana@example.com".into()),
    }];
    let projects = [(1, "shop-api".to_string()), (2, "shop-backend".to_string())];
    let environments = ["production".to_string(), "staging".to_string()];
    let catalogue = Catalogue { environments: &environments, projects: &projects, members: &members };
    let people = candidates(&want("assigned:"), catalogue, &[], &[]);
    assert_eq!(inserts(&people), ["assigned:me ", "assigned:none ", "assigned:my_teams ", "assigned:ana@example.com "]);
    assert_eq!(people[3].detail, "Ana Lima");
    assert_eq!(inserts(&candidates(&want("project:shop-b"), catalogue, &[], &[])), ["project:shop-backend "]);
    assert_eq!(inserts(&candidates(&want("!environment:st"), catalogue, &[], &[])), ["!environment:staging "]);
    assert_eq!(values_of("browser", catalogue), Values::Server { tag: "browser".into(), first: Vec::new() });
    assert!(matches!(values_of("firstRelease", catalogue), Values::Server { tag, .. } if tag == "release"));
    assert_eq!(values_of("has", catalogue), Values::TagKeys);
    assert_eq!(nothing(&want("timesSeen:"), catalogue), "timesSeen: takes a number of events, such as >100");
}

#[test]
fn server_values_are_quoted_when_they_must_be_and_prefixes_go_first() {
    let server = [value("Firefox 120", 3), value("Chrome 120", 7), value("Chromium", 1)];
    let found = candidates(&want("browser:chr"), Catalogue::default(), &[], &server);
    assert_eq!(inserts(&found), ["browser:\"Chrome 120\" ", "browser:Chromium "]);
    assert_eq!(found[0].detail, "7 events");
    let found = candidates(&want("browser:120"), Catalogue::default(), &[], &server);
    assert_eq!(
        inserts(&found),
        ["browser:\"Firefox 120\" ", "browser:\"Chrome 120\" "],
        "containing, in the server's order"
    );
    let releases = candidates(&want("release:"), Catalogue::default(), &[], &[value("2.4.0", 9)]);
    assert_eq!(inserts(&releases), ["release:latest ", "release:2.4.0 "]);
}

#[test]
fn what_candidates_share_goes_in_and_replacing_keeps_the_rest() {
    let found = candidates(&want("assigned"), Catalogue::default(), &[], &[]);
    assert_eq!(shared_start(&found), "assigned");
    let found = candidates(&want("error"), Catalogue::default(), &[], &[]);
    assert_eq!(inserts(&found), ["error.handled:", "error.unhandled:", "error.type:", "error.value:"]);
    assert_eq!(shared_start(&found), "error.");
    let mut text = input("is:unresolved lev timeout");
    text.cursor = 17;
    replace(&mut text, 14, "level:");
    assert_eq!((text.text.as_str(), text.cursor), ("is:unresolved level: timeout", 20));
    replace(&mut text, 14, "level:error ");
    assert_eq!((text.text.as_str(), text.cursor), ("is:unresolved level:error timeout", 26), "no doubled space");
}
