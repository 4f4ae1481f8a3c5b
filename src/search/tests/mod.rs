//! Tests of the search module: table tests of the syntax tree and canonical printing
//! (`syntax`), of predicates and patterns (`semantics`), of errors (`errors`), and property
//! tests (`props`). Shared constructors live here.

use super::*;

mod errors;
mod props;
mod semantics;
mod syntax;

fn parse_ok(input: &str) -> Query {
    match parse(input) {
        Ok(q) => q,
        Err(e) => panic!("parse({input:?}) failed: {e}"),
    }
}

fn text(s: &str) -> Term {
    Term::Text(s.to_owned())
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

fn tag(negated: bool, key: &str, values: &[&str]) -> Term {
    Term::Filter(Filter::Tag { negated, key: key.to_owned(), values: strings(values) })
}

fn field(negated: bool, field: Field, values: &[&str]) -> Term {
    Term::Filter(Filter::Field { negated, field, values: strings(values) })
}

fn is(negated: bool, value: IsValue) -> Term {
    Term::Filter(Filter::Is { negated, value })
}

fn seen(field: SeenField, value: TimeValue) -> Term {
    Term::Filter(Filter::Seen { field, value })
}

fn rel(direction: RelDirection, amount: u32, unit: RelUnit) -> TimeValue {
    TimeValue::Relative { direction, amount, unit }
}

fn utc(s: &str) -> chrono::DateTime<chrono::Utc> {
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(t) => t.with_timezone(&chrono::Utc),
        Err(e) => panic!("bad test timestamp {s}: {e}"),
    }
}

fn date(s: &str) -> DateLiteral {
    match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => DateLiteral::Date(d),
        Err(e) => panic!("bad test date {s}: {e}"),
    }
}

fn now() -> chrono::DateTime<chrono::Utc> {
    utc("2026-01-10T12:00:00Z")
}
