//! Sentry issue-search syntax (`query=` of the issue list, PROTOCOL.md A.16), parsed in one place.
//!
//! Contract: [`parse`] turns a query string into a [`Query`] — a typed, canonicalising syntax tree
//! of space-separated, ANDed terms (free text, `key:value`, `!key:value`, quoted values with `\"`
//! and `\\` escapes, `*` wildcards, lists `key:[a, b]`, comparisons `>`/`>=`/`<`/`<=` for
//! `timesSeen` and timestamps, relative times `-24h`/`+7d` (units `m h d w`), absolute dates and
//! datetimes, explicit tags `tags[key]:value`). There is no `OR`, `AND` or parentheses (those are
//! Discover syntax). All validation happens in `parse`, which fails with a [`ParseError`] carrying
//! the char offset of the offending token; afterwards nothing can fail: `Display` prints a
//! canonical query that parses back to an equal `Query`, and [`Query::predicates`] lowers it to
//! typed [`Predicate`]s (what the server turns into SQL) against an injected `now` — the module
//! never reads a clock. Depends only on `std`, `chrono` and `thiserror`.
//!
//! Layout: `lexer` (raw terms with positions) → `interpret` (key semantics, validation; `time`
//! for dates) → `ast` (the tree) → `print` (canonical form) and `lower` (→ `predicate`, using
//! `pattern` for value matching).

mod ast;
mod error;
mod interpret;
mod lexer;
mod lower;
mod pattern;
mod predicate;
mod print;
mod time;
mod values;

#[cfg(test)]
mod tests;

use std::str::FromStr;

pub use ast::{Assignee, DateLiteral, Filter, Query, RelDirection, Term, TimeValue, UserRef};
pub use error::ParseError;
pub use pattern::Pattern;
pub use predicate::{IssueStatus, Predicate, ReleaseMatch, Substatus};
pub use print::filter_value;
pub use values::{CmpOp, Field, HandledField, IsValue, Level, Priority, RelUnit, SeenField, TextField};

/// Parses an issue-search query. Empty or all-whitespace input gives an empty [`Query`].
pub fn parse(input: &str) -> Result<Query, ParseError> {
    let mut lexer = lexer::Lexer::new(input);
    let mut terms = Vec::new();
    while let Some(raw) = lexer.next_term()? {
        terms.push(match raw {
            lexer::RawTerm::Text(text) => Term::Text(text),
            lexer::RawTerm::Filter(filter) => Term::Filter(interpret::interpret(filter)?),
        });
    }
    Ok(Query { terms })
}

impl FromStr for Query {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}
