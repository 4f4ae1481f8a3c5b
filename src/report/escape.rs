//! Making tracker text safe for each output, and the number spelling the renderers share.
//!
//! Contract: [`clean`] leaves no control, bidi-override or zero-width character and no line
//! break (they become visible pictures, see `crate::text`). [`markdown`] backslash-escapes
//! every character CommonMark or GitHub could read as markup in running text or a table cell.
//! [`slack`] replaces `&`, `<` and `>` with the entities Slack requires, so no stranger's text
//! becomes a link or a mention. URLs get their own escaping for the link syntax they sit in.

use crate::text as sanitize;
pub(crate) use crate::text::thousands;

/// Longest title, in characters, that the Markdown and Slack outputs quote.
pub(crate) const MAX_TITLE_CHARS: usize = 200;

/// `text` on one line with control characters made visible.
pub(crate) fn clean(text: &str) -> String {
    sanitize::one_line(text)
}

/// `text` cut to `max` characters, ending with `…` when cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some(_) => {
            let kept: String = text.chars().take(max.saturating_sub(1)).collect();
            format!("{kept}…")
        }
        None => text.to_owned(),
    }
}

/// Cleaned `text` with the punctuation escaped that Markdown reads as markup anywhere in a line
/// (emphasis, code, links, HTML, entities, table pipes) or GitHub as a reference (`#12`,
/// `@team`) or math (`$`). Characters that only matter at the start of a line (`-`, `+`, `1.`)
/// are left alone: the renderers never start a line with tracker text.
pub(crate) fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '@' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A URL for a Markdown link target: characters that would end or break `(...)` are
/// percent-encoded.
pub(crate) fn markdown_url(url: &str) -> String {
    percent_encode(url, &[' ', '(', ')', '<', '>', '[', ']', '`', '"', '\\'])
}

/// Cleaned `text` with Slack's three control characters as entities.
pub(crate) fn slack(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A URL for a Slack link `<url|label>`: `|`, `<`, `>` and spaces percent-encoded, `&` as
/// `&amp;`.
pub(crate) fn slack_url(url: &str) -> String {
    percent_encode(url, &[' ', '|', '<', '>', '"']).replace('&', "&amp;")
}

fn percent_encode(url: &str, reserved: &[char]) -> String {
    let mut out = String::with_capacity(url.len());
    for c in clean(url).chars() {
        if reserved.contains(&c) {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// `1 event`, `2,048 events`.
pub(crate) fn count(n: u64, singular: &str, plural: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(count(1, "event", "events"), "1 event");
        assert_eq!(count(2048, "event", "events"), "2,048 events");
    }

    #[test]
    fn escaping() {
        assert_eq!(markdown("a *b* [c](d) | e\u{1b}[2J\n"), r"a \*b\* \[c\](d) \| e␛\[2J⏎");
        assert_eq!(markdown("ping @ops re #12: x-y"), r"ping \@ops re \#12: x-y");
        assert_eq!(slack("<!channel> & <http://x|y>"), "&lt;!channel&gt; &amp; &lt;http://x|y&gt;");
        assert_eq!(slack_url("https://h/a b?x=1&y=<2>|"), "https://h/a%20b?x=1&amp;y=%3C2%3E%7C");
        assert_eq!(markdown_url("https://h/(a) b"), "https://h/%28a%29%20b");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abcd", 4), "abcd");
    }
}
