//! A reader for Java `.properties` files, the format of the file named by `SENTRY_PROPERTIES`
//! (keys like `defaults.url`, `auth.token`). It follows `java.util.Properties.load`: `#`/`!`
//! comment lines, `\` line continuations (leading blanks of the next line dropped), a key ended
//! by an unescaped `=`, `:` or blank, the escapes `\t \n \r \f \uXXXX` (any other escaped
//! character stands for itself), and the last duplicate key wins. Bytes that are not UTF-8 are
//! read as ISO-8859-1, the format's historical encoding. Malformed `\u` escapes are errors.

use std::collections::BTreeMap;

/// Parses properties text into key/value pairs; the error names the 1-based line.
pub fn parse_properties(bytes: &[u8]) -> Result<BTreeMap<String, String>, String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&byte| char::from(byte)).collect(),
    };
    let mut map = BTreeMap::new();
    for (line_no, logical) in logical_lines(&text) {
        let (key, value) = split_entry(&logical);
        let key = unescape(key).map_err(|err| format!("line {line_no}: {err}"))?;
        let value = unescape(value).map_err(|err| format!("line {line_no}: {err}"))?;
        map.insert(key, value);
    }
    Ok(map)
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c')
}

/// Joins continued lines and drops blank and comment lines; yields (first line number, text).
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut result = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let line = line.trim_start_matches(is_blank);
        let (start, mut buffer) = match current.take() {
            Some(open) => open,
            None => {
                if line.is_empty() || line.starts_with(['#', '!']) {
                    continue;
                }
                (index + 1, String::new())
            }
        };
        let trailing_backslashes = line.chars().rev().take_while(|&c| c == '\\').count();
        if trailing_backslashes % 2 == 1 {
            buffer.push_str(&line[..line.len() - 1]);
            current = Some((start, buffer));
        } else {
            buffer.push_str(line);
            result.push((start, buffer));
        }
    }
    if let Some(open) = current {
        result.push(open);
    }
    result
}

/// Splits a logical line into its (still escaped) key and value.
fn split_entry(line: &str) -> (&str, &str) {
    let mut escaped = false;
    let mut key_end = line.len();
    for (index, c) in line.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '=' || c == ':' || is_blank(c) {
            key_end = index;
            break;
        }
    }
    let key = &line[..key_end];
    let rest = line[key_end..].trim_start_matches(is_blank);
    let rest = rest.strip_prefix(['=', ':']).unwrap_or(rest);
    (key, rest.trim_start_matches(is_blank))
}

fn unescape(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\x0c'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let code = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 4)
                    .ok_or_else(|| format!("malformed \\u escape \"\\u{hex}\""))?;
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> BTreeMap<String, String> {
        parse_properties(text.as_bytes()).unwrap()
    }

    #[test]
    fn separators_and_comments() {
        let map = parse("# c\n! c\n\n  defaults.url=https://a/\nauth.token : t1\ndefaults.org acme\nempty\n");
        assert_eq!(map["defaults.url"], "https://a/");
        assert_eq!(map["auth.token"], "t1");
        assert_eq!(map["defaults.org"], "acme");
        assert_eq!(map["empty"], "");
    }

    #[test]
    fn continuations_escapes_and_last_wins() {
        let map = parse("a = one \\\n    two\r\nb\\ c=\\u0041\\=\\\\\na=three\nd=x\\\\\ne=1\n");
        assert_eq!(map["a"], "three");
        assert_eq!(map["b c"], "A=\\");
        assert_eq!(map["d"], "x\\");
        assert_eq!(map["e"], "1");
        assert_eq!(parse("k=v1 \\\n  v2\n")["k"], "v1 v2");
    }

    #[test]
    fn latin1_fallback_and_bad_escape() {
        assert_eq!(parse_properties(b"k=caf\xe9\n").unwrap()["k"], "café");
        assert_eq!(parse_properties(b"x=1\nk=\\u00z1\n").unwrap_err(), "line 2: malformed \\u escape \"\\u00z1\"");
    }
}
