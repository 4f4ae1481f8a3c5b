//! Parsing of Sentry's pagination `Link` header into next / previous cursors.
//!
//! Contract: accepts Sentry's format
//! `<url>; rel="previous"; results="false"; cursor="0:0:1", <url>; rel="next"; results="true"; cursor="0:100:0"`
//! and tolerates variations: any order or spacing, unquoted or single-quoted values, escaped
//! quotes, commas inside `<...>` or quotes, `rel="prev"`, extra attributes, and garbage between
//! entries (skipped). A direction yields a cursor only when its page exists: `results="true"`,
//! or no `results` attribute at all (plain RFC 8288 servers). The cursor comes from the
//! `cursor` attribute, else from the URL's `cursor` query parameter. A missing or unparsable
//! header yields no cursors; parsing never fails.

use reqwest::Url;

/// One entry of a `Link` header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkEntry {
    pub url: String,
    pub rel: Option<String>,
    /// `results="true"|"false"`; `None` when absent or not a boolean.
    pub results: Option<bool>,
    pub cursor: Option<String>,
}

/// The cursors a list response offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursors {
    pub next: Option<String>,
    pub previous: Option<String>,
}

impl Cursors {
    /// Cursors from the value of a `Link` header (`None` = header absent).
    pub fn from_link_header(header: Option<&str>) -> Self {
        let mut out = Self::default();
        for entry in header.map(parse_link_header).unwrap_or_default() {
            if entry.results == Some(false) {
                continue;
            }
            let cursor = entry.cursor.clone().or_else(|| cursor_from_url(&entry.url)).filter(|c| !c.is_empty());
            match entry.rel.as_deref().map(str::to_ascii_lowercase).as_deref() {
                Some("next") if out.next.is_none() => out.next = cursor,
                Some("previous" | "prev") if out.previous.is_none() => out.previous = cursor,
                _ => {}
            }
        }
        out
    }
}

/// Splits a `Link` header into entries. Malformed pieces are skipped.
pub fn parse_link_header(header: &str) -> Vec<LinkEntry> {
    let chars: Vec<char> = header.chars().collect();
    let mut i = 0;
    let mut entries = Vec::new();
    while i < chars.len() {
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        if chars[i] != '<' {
            i = skip_to_entry_end(&chars, i);
            continue;
        }
        let Some(close) = chars[i + 1..].iter().position(|&c| c == '>') else { break };
        let url: String = chars[i + 1..i + 1 + close].iter().collect();
        i += close + 2;
        let mut entry = LinkEntry { url: url.trim().to_owned(), ..LinkEntry::default() };
        // Attributes: `; key=value` until the next top-level comma.
        loop {
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            if i >= chars.len() || chars[i] == ',' {
                break;
            }
            if chars[i] == ';' {
                i += 1;
                continue;
            }
            let key_start = i;
            while i < chars.len() && !matches!(chars[i], '=' | ';' | ',') {
                i += 1;
            }
            let key: String = chars[key_start..i].iter().collect::<String>().trim().to_ascii_lowercase();
            let mut value = String::new();
            if i < chars.len() && chars[i] == '=' {
                i += 1;
                while i < chars.len() && chars[i].is_whitespace() {
                    i += 1;
                }
                (value, i) = read_value(&chars, i);
            }
            match key.as_str() {
                "rel" => entry.rel = value.split_whitespace().next().map(str::to_owned),
                "results" => entry.results = parse_bool(&value),
                "cursor" => entry.cursor = Some(value),
                _ => {}
            }
        }
        entries.push(entry);
    }
    entries
}

/// Reads a quoted (`"..."`/`'...'`, backslash escapes) or bare value starting at `i`.
fn read_value(chars: &[char], mut i: usize) -> (String, usize) {
    let mut value = String::new();
    match chars.get(i) {
        Some(&q @ ('"' | '\'')) => {
            i += 1;
            while i < chars.len() && chars[i] != q {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                }
                value.push(chars[i]);
                i += 1;
            }
            i += 1; // closing quote (or past the end when unterminated)
        }
        _ => {
            while i < chars.len() && !matches!(chars[i], ';' | ',') {
                value.push(chars[i]);
                i += 1;
            }
            value = value.trim().to_owned();
        }
    }
    (value, i.min(chars.len()))
}

/// Index after the current (malformed) entry: the next comma outside quotes and brackets.
fn skip_to_entry_end(chars: &[char], mut i: usize) -> usize {
    let mut quote: Option<char> = None;
    let mut angle = false;
    while i < chars.len() {
        let c = chars[i];
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '<') => angle = true,
            (None, '>') => angle = false,
            (None, ',') if !angle => return i + 1,
            _ => {}
        }
        i += 1;
    }
    i
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

fn cursor_from_url(url: &str) -> Option<String> {
    let parsed = Url::parse(url).or_else(|_| Url::parse("http://relative.invalid/").and_then(|b| b.join(url))).ok()?;
    parsed.query_pairs().find(|(k, _)| k == "cursor").map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SENTRY: &str = r#"<https://sentry.io/api/0/organizations/acme/issues/?query=is%3Aunresolved&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <https://sentry.io/api/0/organizations/acme/issues/?query=is%3Aunresolved&cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0""#;

    #[test]
    fn sentry_format() {
        let entries = parse_link_header(SENTRY);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].rel.as_deref(), Some("previous"));
        assert_eq!(entries[0].results, Some(false));
        assert_eq!(entries[1].cursor.as_deref(), Some("0:100:0"));
        let c = Cursors::from_link_header(Some(SENTRY));
        assert_eq!(c, Cursors { next: Some("0:100:0".into()), previous: None });
    }

    #[test]
    fn both_directions_and_timestamps() {
        let h = r#"<http://127.0.0.1:9000/api/0/x/?cursor=1420837533:0:1>; rel="previous"; results="true"; cursor="1420837533:0:1", <http://127.0.0.1:9000/api/0/x/?cursor=1420837533:100:0>; rel="next"; results="false"; cursor="1420837533:100:0""#;
        let c = Cursors::from_link_header(Some(h));
        assert_eq!(c.previous.as_deref(), Some("1420837533:0:1"));
        assert_eq!(c.next, None);
    }

    #[test]
    fn missing_and_empty_header() {
        assert_eq!(Cursors::from_link_header(None), Cursors::default());
        assert_eq!(Cursors::from_link_header(Some("")), Cursors::default());
        assert_eq!(Cursors::from_link_header(Some("   ,  ")), Cursors::default());
    }

    #[test]
    fn malformed_pieces_are_skipped() {
        let h = r#"garbage; rel="next"; cursor="bad", <http://h/a?x=1,2>; rel=next; results=true; cursor=0:5:0 , <http://h/unterminated"#;
        let c = Cursors::from_link_header(Some(h));
        assert_eq!(c.next.as_deref(), Some("0:5:0"));
        assert_eq!(parse_link_header("<http://h/ok>; rel=\"next").len(), 1);
        assert_eq!(Cursors::from_link_header(Some("<<<>>>;;;==,,,\"\"")), Cursors::default());
    }

    #[test]
    fn variations() {
        // Reordered attributes, single quotes, odd spacing, extra attrs, rel=prev.
        let h = "<http://h/p?cursor=0:0:1> ;results='true';rel='prev' ; title=\"a, b\" ,<http://h/n?cursor=0:25:0>;RESULTS=\"TRUE\";REL=\"next\"";
        let c = Cursors::from_link_header(Some(h));
        assert_eq!(c.previous.as_deref(), Some("0:0:1"));
        assert_eq!(c.next.as_deref(), Some("0:25:0"), "cursor falls back to the URL");
        // No results attribute: a plain RFC 8288 link means the page exists.
        let c = Cursors::from_link_header(Some(r#"</api/0/x/?cursor=abc%3A1>; rel="next""#));
        assert_eq!(c.next.as_deref(), Some("abc:1"));
        // Escaped quote inside a quoted value.
        let e = parse_link_header(r#"<u>; rel="next"; cursor="a\"b""#);
        assert_eq!(e[0].cursor.as_deref(), Some("a\"b"));
    }
}
