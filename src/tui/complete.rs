//! Completion in the search prompt, as plain data and pure functions: which word the cursor is
//! in ([`token`]), whether it wants a key or a key's value ([`want`]), and what completes it
//! ([`candidates`]). Keys are the search syntax's own (`is:`, `level:`, `assigned:`…) and the
//! tags the server has seen; values come from the syntax where it has a closed set, from the
//! catalogue (projects, environments, members) and otherwise from the server's tag values.
//! The reducer (`update::complete`) fetches what the server knows and applies a completion.

use std::collections::HashMap;

use super::overlay::Input;
use super::state::{Load, ReqId};
use crate::api::{Member, TagKey, TagValue};

/// What the server said about the organization's tags, kept while the console runs.
#[derive(Debug, Clone, Default)]
pub struct Tags {
    pub keys: Load<Vec<TagKey>>,
    /// The key list request in flight.
    pub keys_req: Option<ReqId>,
    /// Values by key and the text they were asked to contain.
    pub values: HashMap<(String, String), Load<Vec<TagValue>>>,
}

/// A completion shown under the search prompt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completion {
    /// Where the completed word starts (characters).
    pub start: usize,
    pub candidates: Vec<Candidate>,
    /// The candidate in the text now (tab steps through them).
    pub selected: Option<usize>,
    /// Said above the candidates: nothing matches, the server's tags are still coming, failed.
    pub note: Option<String>,
    /// Completes again when the server's answer comes.
    pub waiting: Option<Wait>,
}

/// What a completion waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    Keys,
    Values { tag: String, text: String },
}

/// The word the cursor ends: from `start` (in characters) up to the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub text: String,
}

/// The word before the cursor. Spaces inside quotes or a `[…]` list do not end a word.
pub fn token(input: &Input) -> Token {
    let chars: Vec<char> = input.text.chars().take(input.cursor).collect();
    let (mut start, mut quoted, mut list, mut escaped) = (0, false, false, false);
    for (i, c) in chars.iter().enumerate() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => list = true,
            ']' if !quoted => list = false,
            c if c.is_whitespace() && !quoted && !list => start = i + 1,
            _ => {}
        }
    }
    Token { start, text: chars[start..].iter().collect() }
}

/// What the word asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    /// A key starting with `prefix` (after an optional `!`).
    Key { negated: bool, prefix: String },
    /// A value of `key` starting with `prefix`; `head` is what stays before it (`!key:>`).
    Value { head: String, key: String, prefix: String },
    /// Nothing completes here, and why.
    Nothing(String),
}

/// Reads a word as a key or as a key and the start of its value.
pub fn want(word: &str) -> Want {
    let negated = word.starts_with('!');
    let rest = &word[usize::from(negated)..];
    let Some(colon) = rest.find(':') else {
        return Want::Key { negated, prefix: rest.to_string() };
    };
    let (written, after) = (&rest[..colon], &rest[colon + 1..]);
    let key = written.strip_prefix("tags[").and_then(|k| k.strip_suffix(']')).unwrap_or(written);
    if after.starts_with('[') {
        return Want::Nothing("a list's values are not completed: type them, or complete one value first".into());
    }
    let op_len = [">=", "<=", ">", "<"].iter().find(|op| after.starts_with(**op)).map_or(0, |op| op.len());
    let (op, value) = after.split_at(op_len);
    let prefix = value.strip_prefix('"').unwrap_or(value).replace("\\\"", "\"").replace("\\\\", "\\");
    let head = format!("{}{written}:{op}", if negated { "!" } else { "" });
    Want::Value { head, key: key.to_string(), prefix }
}

/// One way to complete the word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// What replaces the word.
    pub insert: String,
    /// What the list shows.
    pub label: String,
    /// A few muted words beside it.
    pub detail: String,
}

/// Where a key's values come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Values {
    /// A set known here: (value, what it means).
    Known(Vec<(String, String)>),
    /// The server's values of tag `tag`, after the known `first` ones.
    Server { tag: String, first: Vec<(String, String)> },
    /// The server's tag keys (for `has:`).
    TagKeys,
    /// Nothing to offer, and what the key takes instead.
    Free(&'static str),
}

/// What the console knows besides the server's tags.
#[derive(Debug, Clone, Copy, Default)]
pub struct Catalogue<'a> {
    pub environments: &'a [String],
    pub projects: &'a [(i64, String)],
    pub members: &'a [Member],
}

fn known<T: Copy>(all: &[T], text: fn(T) -> &'static str) -> Values {
    Values::Known(all.iter().map(|v| (text(*v).to_string(), String::new())).collect())
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(v, d)| (v.to_string(), d.to_string())).collect()
}

/// Where the values of `key` come from.
pub fn values_of(key: &str, catalogue: Catalogue<'_>) -> Values {
    use crate::search::{IsValue, Level, Priority};
    match key {
        "is" => known(IsValue::ALL, IsValue::as_str),
        "level" => known(Level::ALL, Level::as_str),
        "issue.priority" => known(Priority::ALL, Priority::as_str),
        "assigned" | "assigned_or_suggested" => {
            let mut people = pairs(&[("me", "you"), ("none", "no one"), ("my_teams", "your teams")]);
            for member in catalogue.members {
                let name = member.email.clone().or_else(|| member.username.clone());
                people.extend(name.map(|n| (n, member.name.clone())));
            }
            Values::Known(people)
        }
        "bookmarks" => Values::Known(pairs(&[("me", "bookmarked by you")])),
        "has" => Values::TagKeys,
        "error.handled" | "error.unhandled" => Values::Known(pairs(&[("true", ""), ("false", "")])),
        "lastSeen" | "firstSeen" | "age" => Values::Known(pairs(&[
            ("-1h", "within the last hour"),
            ("-24h", "within the last day"),
            ("-7d", "within the last week"),
            ("-14d", "within the last two weeks"),
            ("+7d", "more than a week ago"),
        ])),
        "timesSeen" | "times_seen" => Values::Free("a number of events, such as >100"),
        "message" | "title" => Values::Free("any text"),
        "issue" => Values::Free("a short id, such as SHOP-API-5"),
        "project" => Values::Known(catalogue.projects.iter().map(|(_, slug)| (slug.clone(), String::new())).collect()),
        "environment" if !catalogue.environments.is_empty() => {
            Values::Known(catalogue.environments.iter().map(|e| (e.clone(), String::new())).collect())
        }
        "release" | "firstRelease" => {
            Values::Server { tag: "release".into(), first: pairs(&[("latest", "the newest release")]) }
        }
        tag => Values::Server { tag: tag.to_string(), first: Vec::new() },
    }
}

/// What a key of the search syntax filters by, for the candidates list.
fn about(key: &str) -> &'static str {
    match key {
        "is" => "status: unresolved, archived, escalating…",
        "level" => "fatal, error, warning, info, debug",
        "issue.priority" => "high, medium, low",
        "assigned" => "who it is assigned to",
        "assigned_or_suggested" => "assigned or suggested to",
        "bookmarks" => "bookmarked by",
        "has" => "has a value for a tag",
        "release" => "seen in a release",
        "firstRelease" => "first seen in a release",
        "issue" => "a short id",
        "timesSeen" => "number of events",
        "lastSeen" => "last seen (-24h, +7d)",
        "firstSeen" => "first seen (-24h, +7d)",
        "age" => "first seen (-24h, +7d)",
        "error.handled" | "error.unhandled" => "true or false",
        "message" => "text in the title or message",
        "title" => "text in the title",
        "environment" => "environment",
        "project" => "project slug",
        _ => "issue field",
    }
}

/// The keys starting with `prefix` (ignoring case): the syntax's own, then `project`, then the
/// server's tags not among them.
fn keys(negated: bool, prefix: &str, tags: &[TagKey]) -> Vec<Candidate> {
    let bang = if negated { "!" } else { "" };
    let lower = prefix.to_lowercase();
    let mut out: Vec<Candidate> = Vec::new();
    let mut push = |key: &str, detail: String| {
        if key.to_lowercase().starts_with(&lower) && !out.iter().any(|c| c.label == key) {
            out.push(Candidate { insert: format!("{bang}{key}:"), label: key.to_string(), detail });
        }
    };
    for key in crate::search::known_keys() {
        push(key, about(key).to_string());
    }
    push("project", about("project").to_string());
    for tag in tags {
        let values = tag.unique_values.map(|n| crate::text::counted(n, "value")).unwrap_or_default();
        push(&tag.key, if values.is_empty() { "tag".into() } else { format!("tag · {values}") });
    }
    out
}

/// The candidates for `want`; `server` holds the server's values of the key's tag (or its tag
/// keys for `has:`) when they are needed and known.
pub fn candidates(want: &Want, catalogue: Catalogue<'_>, tags: &[TagKey], server: &[TagValue]) -> Vec<Candidate> {
    let (head, key, prefix) = match want {
        Want::Key { negated, prefix } => return keys(*negated, prefix, tags),
        Want::Nothing(_) => return Vec::new(),
        Want::Value { head, key, prefix } => (head, key, prefix),
    };
    let offered: Vec<(String, String)> = match values_of(key, catalogue) {
        Values::Known(values) => values,
        Values::Server { first, .. } => {
            let mut values = first;
            for value in server {
                let text = value.value.clone().unwrap_or_else(|| value.name.clone());
                values.push((text, crate::text::counted(value.count, "event")));
            }
            values
        }
        Values::TagKeys => tags.iter().map(|t| (t.key.clone(), "tag".to_string())).collect(),
        Values::Free(_) => Vec::new(),
    };
    let lower = prefix.to_lowercase();
    let mut starting = Vec::new();
    let mut containing = Vec::new();
    for (value, detail) in offered {
        let folded = value.to_lowercase();
        let bucket = if folded.starts_with(&lower) {
            &mut starting
        } else if folded.contains(&lower) {
            &mut containing
        } else {
            continue;
        };
        if !bucket.iter().any(|c: &Candidate| c.label == value) {
            let insert = format!("{head}{} ", crate::search::single_value(&value));
            bucket.push(Candidate { insert, label: crate::tui::sanitize::one_line(&value), detail });
        }
    }
    starting.extend(containing);
    starting
}

/// Why nothing completes `want`.
pub fn nothing(want: &Want, catalogue: Catalogue<'_>) -> String {
    match want {
        Want::Key { prefix, .. } => format!("no search key or tag starts with {prefix:?}"),
        Want::Nothing(why) => why.clone(),
        Want::Value { key, prefix, .. } => match values_of(key, catalogue) {
            Values::Free(takes) => format!("{key}: takes {takes}"),
            _ if prefix.is_empty() => format!("no values of {key} are known"),
            _ => format!("no value of {key} contains {prefix:?}"),
        },
    }
}

/// The longest start all `candidates` share (by characters).
pub fn shared_start(candidates: &[Candidate]) -> String {
    let Some(first) = candidates.first() else {
        return String::new();
    };
    let mut len = first.insert.chars().count();
    for other in &candidates[1..] {
        len = first.insert.chars().zip(other.insert.chars()).take(len).take_while(|(a, b)| a == b).count();
    }
    first.insert.chars().take(len).collect()
}

/// Replaces the characters from `start` to the cursor with `text`, the cursor after it. A
/// space that ends `text` is not doubled by one already after the cursor.
pub fn replace(input: &mut Input, start: usize, text: &str) {
    let chars: Vec<char> = input.text.chars().collect();
    let end = input.cursor.min(chars.len());
    let mut next: String = chars[..start.min(end)].iter().collect();
    let spaced = text.ends_with(' ') && chars.get(end).is_some_and(|c| c.is_whitespace());
    next.push_str(if spaced { &text[..text.len() - 1] } else { text });
    let cursor = next.chars().count() + usize::from(spaced);
    next.extend(&chars[end..]);
    input.text = next;
    input.cursor = cursor;
}

#[cfg(test)]
mod tests;
