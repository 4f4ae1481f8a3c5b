//! Lexer: splits the input into raw terms (free text or `[!]key:value` with an untyped value).
//!
//! Contract: works on `char`s and reports `char` offsets. Terms are separated by Unicode
//! whitespace (`char::is_whitespace`), except inside quotes and lists. A term is a filter when it
//! starts with an optional `!`, then either a key made of ASCII letters, digits, `_`, `.`, `-` or
//! `tags[...]` (no whitespace or `]` inside), immediately followed by `:`; anything else is free
//! text. A value is a quoted string (`"..."`, where only `\"` and `\\` are escapes; any other
//! backslash is literal), a list `[a, "b c"]` (items unquoted or quoted, whitespace allowed
//! around items), or an optional comparison operator (`>=`, `<=`, `>`, `<`) followed by a quoted
//! string or a run of non-whitespace. Quoting never changes meaning; it only lets a value contain
//! whitespace, a leading `"`/`[`/`>`/`<`, or be empty. This module knows nothing about keys.

use super::error::ParseError;
use super::values::CmpOp;

/// One value with the char offset where it starts (opening quote included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    pub text: String,
    pub pos: usize,
}

/// An untyped filter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RawValue {
    /// Optional operator (with its offset) and the value.
    Single { op: Option<(CmpOp, usize)>, item: Item },
    /// `[a, b]`; `pos` is the offset of `[`.
    List { pos: usize, items: Vec<Item> },
}

/// `[!]key:value` before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawFilter {
    pub negated: bool,
    /// Offset of the `!` or of the key.
    pub start: usize,
    pub key: String,
    /// Written as `tags[key]`.
    pub explicit_tag: bool,
    pub value: RawValue,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RawTerm {
    Text(String),
    Filter(RawFilter),
}

/// Characters allowed in a plain (non-`tags[...]`) key.
pub(crate) fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

struct FilterHead {
    negated: bool,
    key: String,
    explicit_tag: bool,
    value_start: usize,
}

fn starts_with(chars: &[char], at: usize, prefix: &str) -> bool {
    (at..).zip(prefix.chars()).all(|(i, p)| chars.get(i) == Some(&p))
}

/// Recognises `[!]key:` or `[!]tags[key]:` at `start`.
fn filter_head(chars: &[char], start: usize) -> Option<FilterHead> {
    let negated = chars.get(start) == Some(&'!');
    let key_start = start + usize::from(negated);
    if starts_with(chars, key_start, "tags[") {
        let inner = key_start + 5;
        let mut end = inner;
        while chars.get(end).is_some_and(|c| *c != ']' && !c.is_whitespace()) {
            end += 1;
        }
        let closed = chars.get(end) == Some(&']') && chars.get(end + 1) == Some(&':');
        if closed && end > inner {
            let key = chars.get(inner..end)?.iter().collect();
            return Some(FilterHead { negated, key, explicit_tag: true, value_start: end + 2 });
        }
        return None;
    }
    let mut end = key_start;
    while chars.get(end).is_some_and(|c| is_key_char(*c)) {
        end += 1;
    }
    if end > key_start && chars.get(end) == Some(&':') {
        let key = chars.get(key_start..end)?.iter().collect();
        return Some(FilterHead { negated, key, explicit_tag: false, value_start: end + 1 });
    }
    None
}

/// Whether an unquoted free-text term `s` would be read as a filter (so it must be quoted).
pub(crate) fn looks_like_filter(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    filter_head(&chars, 0).is_some()
}

/// Pull-based lexer; [`Lexer::next_term`] yields terms in input order.
pub(crate) struct Lexer {
    chars: Vec<char>,
    pos: usize,
}

impl Lexer {
    pub(crate) fn new(input: &str) -> Self {
        Lexer { chars: input.chars().collect(), pos: 0 }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn at_boundary(&self) -> bool {
        self.peek().is_none_or(char::is_whitespace)
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek().filter(|c| keep(*c)) {
            out.push(c);
            self.pos += 1;
        }
        out
    }

    /// Next term, `Ok(None)` at end of input.
    pub(crate) fn next_term(&mut self) -> Result<Option<RawTerm>, ParseError> {
        self.skip_ws();
        let start = self.pos;
        if self.peek().is_none() {
            return Ok(None);
        }
        if let Some(head) = filter_head(&self.chars, start) {
            self.pos = head.value_start;
            let value = self.value(&head.key)?;
            let FilterHead { negated, key, explicit_tag, .. } = head;
            return Ok(Some(RawTerm::Filter(RawFilter { negated, start, key, explicit_tag, value })));
        }
        if self.peek() == Some('"') {
            let text = self.quoted()?;
            self.expect_boundary("closing quote")?;
            return Ok(Some(RawTerm::Text(text)));
        }
        Ok(Some(RawTerm::Text(self.take_while(|c| !c.is_whitespace()))))
    }

    fn expect_boundary(&self, after: &str) -> Result<(), ParseError> {
        match self.peek() {
            Some(c) if !c.is_whitespace() => {
                Err(ParseError::new(self.pos, format!("unexpected character `{c}` after {after}")))
            }
            _ => Ok(()),
        }
    }

    fn value(&mut self, key: &str) -> Result<RawValue, ParseError> {
        if self.at_boundary() {
            return Err(ParseError::new(self.pos, format!("missing value for `{key}`")));
        }
        if self.peek() == Some('[') {
            return self.list();
        }
        let op = self.operator();
        let pos = self.pos;
        if let Some((op, _)) = op.filter(|_| self.at_boundary()) {
            return Err(ParseError::new(pos, format!("missing value after `{}`", op.prefix())));
        }
        let text = if self.peek() == Some('"') {
            let text = self.quoted()?;
            self.expect_boundary("closing quote")?;
            text
        } else {
            self.take_while(|c| !c.is_whitespace())
        };
        Ok(RawValue::Single { op, item: Item { text, pos } })
    }

    fn operator(&mut self) -> Option<(CmpOp, usize)> {
        let pos = self.pos;
        let op = match (self.peek(), self.chars.get(pos + 1)) {
            (Some('>'), Some('=')) => CmpOp::Ge,
            (Some('<'), Some('=')) => CmpOp::Le,
            (Some('>'), _) => CmpOp::Gt,
            (Some('<'), _) => CmpOp::Lt,
            _ => return None,
        };
        self.pos += op.prefix().chars().count();
        Some((op, pos))
    }

    /// Reads `"..."` starting at the opening quote.
    fn quoted(&mut self) -> Result<String, ParseError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let c = self.peek().ok_or_else(|| ParseError::new(open, "unterminated quoted string"))?;
            self.pos += 1;
            match c {
                '"' => return Ok(out),
                '\\' => match self.peek() {
                    Some(escaped @ ('"' | '\\')) => {
                        out.push(escaped);
                        self.pos += 1;
                    }
                    _ => out.push('\\'),
                },
                other => out.push(other),
            }
        }
    }

    /// Reads `[item, ...]` starting at `[`.
    fn list(&mut self) -> Result<RawValue, ParseError> {
        let open = self.pos;
        self.pos += 1;
        let unterminated = || ParseError::new(open, "unterminated list (missing `]`)");
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            let pos = self.pos;
            match self.peek() {
                None => return Err(unterminated()),
                Some(']') if items.is_empty() => return Err(ParseError::new(open, "empty list")),
                Some('"') => {
                    let text = self.quoted()?;
                    items.push(Item { text, pos });
                }
                Some(_) => {
                    let text = self.take_while(|c| !c.is_whitespace() && c != ',' && c != ']');
                    if text.is_empty() {
                        return Err(ParseError::new(pos, "empty value in list"));
                    }
                    items.push(Item { text, pos });
                }
            }
            self.skip_ws();
            match self.peek() {
                None => return Err(unterminated()),
                Some(',') => self.pos += 1,
                Some(']') => break,
                Some(c) => {
                    return Err(ParseError::new(self.pos, format!("expected `,` or `]` in list, found `{c}`")));
                }
            }
        }
        self.pos += 1;
        self.expect_boundary("list")?;
        Ok(RawValue::List { pos: open, items })
    }
}
