//! Performance problems found in one transaction's spans, by Sentry's detector rules:
//!
//! - **N+1 DB queries**: under one parent (the transaction or a non-DB span), a DB "source"
//!   query followed by at least `n_plus_one_db_count` identical queries (same hash and
//!   description, different from the source's), taking at least `n_plus_one_db_duration_ms`
//!   together; a non-DB span in between breaks the run. Truncated queries (ending in `...`) are
//!   not trusted. The fingerprint is the parent's op and hash, the source's hash and the
//!   repeated query's hash, so the same loop in code is one issue.
//! - **Slow DB query**: one `SELECT` span (op `db…`) of at least `slow_db_query_duration_ms`;
//!   the fingerprint is the query's hash.
//!
//! Spans are visited depth first, children by start time, as Sentry flattens them. DB spans
//! exclude `db.redis` and `db.connection`. Span hashes follow Sentry's span grouping: the op
//! and the description with its literals parameterized, as 16 hex digits of md5.

use std::collections::HashMap;

use md5::{Digest, Md5};

use super::check::Span;
use crate::config::PerformanceConfig;

/// A kind of performance issue, as Sentry names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    NPlusOneDb,
    SlowDbQuery,
}

impl Kind {
    /// Sentry's issue type slug (`issueType`).
    pub fn slug(self) -> &'static str {
        match self {
            Kind::NPlusOneDb => "performance_n_plus_one_db_queries",
            Kind::SlowDbQuery => "performance_slow_db_query",
        }
    }

    /// Sentry's group type id.
    pub fn type_id(self) -> u32 {
        match self {
            Kind::NPlusOneDb => 1006,
            Kind::SlowDbQuery => 1001,
        }
    }

    /// The issue title, as Sentry writes it.
    pub fn title(self) -> &'static str {
        match self {
            Kind::NPlusOneDb => "N+1 Query",
            Kind::SlowDbQuery => "Slow DB Query",
        }
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub kind: Kind,
    /// `1-{type id}-{md5}`.
    pub fingerprint: String,
    /// The offending query.
    pub description: String,
    pub parent_span_ids: Vec<String>,
    pub cause_span_ids: Vec<String>,
    pub offender_span_ids: Vec<String>,
    /// The offending spans' time, in milliseconds.
    pub duration_ms: f64,
}

/// Sentry's span hash: md5 of the op and the parameterized description, 16 hex digits.
pub fn span_hash(op: Option<&str>, description: Option<&str>) -> String {
    let op = op.unwrap_or_default();
    let description = description.unwrap_or_default();
    let shape = if is_db(op) { parameterize_sql(description) } else { description.to_string() };
    let mut hasher = Md5::new();
    hasher.update(op.as_bytes());
    hasher.update(b"\n");
    hasher.update(shape.as_bytes());
    hex::encode(hasher.finalize())[..16].to_string()
}

fn is_db(op: &str) -> bool {
    op.starts_with("db") && !op.starts_with("db.redis") && !op.starts_with("db.connection")
}

/// SQL with its literals replaced by `%s` and `IN (...)` lists folded, so queries differing
/// only in values share a shape.
pub fn parameterize_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut previous_word = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                while let Some(n) = chars.next() {
                    if n == '\'' {
                        if chars.peek() == Some(&'\'') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
                out.push_str("%s");
                previous_word = false;
            }
            d if d.is_ascii_digit() && !previous_word => {
                while chars.peek().is_some_and(|n| n.is_ascii_alphanumeric() || *n == '.') {
                    chars.next();
                }
                out.push_str("%s");
            }
            other => {
                previous_word = other.is_alphanumeric() || other == '_' || other == '$' || other == '?';
                out.push(other);
            }
        }
    }
    fold_in_lists(&out)
}

/// `IN (%s, %s, %s)` and `IN (?, ?)` become `IN (%s)`.
fn fold_in_lists(sql: &str) -> String {
    let upper = sql.to_ascii_uppercase();
    let mut out = String::with_capacity(sql.len());
    let mut at = 0;
    while let Some(found) = upper[at..].find("IN (") {
        let open = at + found + 4;
        let Some(close) = sql[open..].find(')').map(|c| open + c) else { break };
        let inside = &sql[open..close];
        out.push_str(&sql[at..open]);
        let placeholders = inside.split(',').all(|p| {
            let p = p.trim();
            p == "%s" || p == "?" || (p.starts_with('$') && p[1..].bytes().all(|b| b.is_ascii_digit()))
        });
        out.push_str(if placeholders && !inside.trim().is_empty() { "%s" } else { inside });
        at = close;
    }
    out.push_str(&sql[at..]);
    out
}

fn fingerprint(kind: Kind, parts: &[&str]) -> String {
    let mut hasher = Md5::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    format!("1-{}-{}", kind.type_id(), hex::encode(hasher.finalize()))
}

/// The spans in Sentry's visiting order: depth first, each level by start time.
pub fn visiting_order<'s, 'a>(spans: &'s [Span<'a>]) -> Vec<&'s Span<'a>> {
    let index: HashMap<&str, usize> = spans.iter().enumerate().map(|(i, s)| (s.span_id.as_str(), i)).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); spans.len()];
    for (i, span) in spans.iter().enumerate() {
        if let Some(&parent) = span.parent_span_id.as_deref().and_then(|p| index.get(p)) {
            children[parent].push(i);
        }
    }
    let by_start = |a: &usize, b: &usize| spans[*a].start.total_cmp(&spans[*b].start);
    for list in &mut children {
        list.sort_by(by_start);
    }
    let mut all: Vec<usize> = (0..spans.len()).collect();
    all.sort_by(by_start);
    let mut visited = vec![false; spans.len()];
    let mut order = Vec::with_capacity(spans.len());
    for first in all {
        let mut stack = vec![first];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut visited[i], true) {
                continue;
            }
            order.push(&spans[i]);
            stack.extend(children[i].iter().rev().filter(|c| !visited[**c]));
        }
    }
    order
}

/// Every problem of the transaction whose root span is `root` (op `root_op`).
pub fn problems(spans: &[Span<'_>], root: &str, root_op: Option<&str>, config: &PerformanceConfig) -> Vec<Problem> {
    if !config.detection {
        return Vec::new();
    }
    let order = visiting_order(spans);
    let mut found = NPlusOne::new(root, root_op, config).run(&order);
    for span in &order {
        if let Some(problem) = slow_query(span, config)
            && !found.iter().any(|p| p.fingerprint == problem.fingerprint)
        {
            found.push(problem);
        }
    }
    found
}

fn slow_query(span: &Span<'_>, config: &PerformanceConfig) -> Option<Problem> {
    let op = span.op.as_deref().filter(|op| op.starts_with("db"))?;
    let description = span.description.as_deref()?.trim();
    let eligible =
        description.get(..6).is_some_and(|s| s.eq_ignore_ascii_case("select")) && !description.ends_with("...");
    (eligible && span.duration_ms() >= config.slow_db_query_duration_ms && !op.is_empty()).then(|| Problem {
        kind: Kind::SlowDbQuery,
        fingerprint: fingerprint(Kind::SlowDbQuery, &[&span.hash]),
        description: description.to_string(),
        parent_span_ids: Vec::new(),
        cause_span_ids: Vec::new(),
        offender_span_ids: vec![span.span_id.clone()],
        duration_ms: span.duration_ms(),
    })
}

/// A parent a source query may hang under: its op and hash.
struct Parent {
    op: String,
    hash: String,
}

/// The N+1 detector's walk over the spans.
struct NPlusOne<'c, 's, 'a> {
    config: &'c PerformanceConfig,
    parents: HashMap<String, Parent>,
    source: Option<&'s Span<'a>>,
    repeats: Vec<&'s Span<'a>>,
    found: Vec<Problem>,
}

impl<'c, 's, 'a> NPlusOne<'c, 's, 'a> {
    fn new(root: &str, root_op: Option<&str>, config: &'c PerformanceConfig) -> Self {
        let parent = Parent { op: root_op.unwrap_or_default().to_string(), hash: String::new() };
        let parents = HashMap::from([(root.to_string(), parent)]);
        Self { config, parents, source: None, repeats: Vec::new(), found: Vec::new() }
    }

    fn run(mut self, order: &[&'s Span<'a>]) -> Vec<Problem> {
        for span in order {
            self.visit(span);
        }
        self.store();
        self.found
    }

    fn visit(&mut self, span: &'s Span<'a>) {
        let Some(op) = span.op.as_deref() else { return };
        if !is_db(op) {
            self.store();
            self.reset();
            if span.parent_span_id.is_some() {
                self.parents.insert(span.span_id.clone(), Parent { op: op.to_string(), hash: span.hash.clone() });
            }
            return;
        }
        if self.source.is_none() {
            self.use_as_source(span);
            return;
        }
        if self.continues(span) {
            self.repeats.push(span);
            return;
        }
        let previous = self.repeats.last().copied();
        self.store();
        self.reset();
        if let Some(previous) = previous {
            self.use_as_source(previous);
        }
        if self.source.is_some() && self.continues(span) {
            self.repeats.push(span);
        } else {
            self.source = None;
            self.use_as_source(span);
        }
    }

    fn use_as_source(&mut self, span: &'s Span<'a>) {
        if span.parent_span_id.as_deref().is_some_and(|p| self.parents.contains_key(p)) {
            self.source = Some(span);
        }
    }

    fn continues(&self, span: &Span<'_>) -> bool {
        let Some(source) = self.source else { return false };
        if span.parent_span_id.is_none() || span.parent_span_id != source.parent_span_id || span.hash == source.hash {
            return false;
        }
        match self.repeats.last() {
            None => true,
            Some(previous) => {
                previous.hash == span.hash && span.description.is_some() && previous.description == span.description
            }
        }
    }

    fn reset(&mut self) {
        self.source = None;
        self.repeats.clear();
    }

    fn store(&mut self) {
        let (Some(source), Some(first)) = (self.source, self.repeats.first()) else { return };
        if self.repeats.len() < self.config.n_plus_one_db_count as usize {
            return;
        }
        let total: f64 = self.repeats.iter().map(|s| s.duration_ms()).sum();
        if total < self.config.n_plus_one_db_duration_ms {
            return;
        }
        let Some(parent_id) = source.parent_span_id.as_deref() else { return };
        let Some(parent) = self.parents.get(parent_id) else { return };
        let complete = first.description.as_deref().is_some_and(|d| !d.ends_with("..."));
        let Some(description) = first.description.as_deref().filter(|_| complete && source.description.is_some())
        else {
            return;
        };
        if description.contains("pg-pool.connect") {
            return;
        }
        let fingerprint = fingerprint(Kind::NPlusOneDb, &[&parent.op, &parent.hash, &source.hash, &first.hash]);
        if self.found.iter().any(|p| p.fingerprint == fingerprint) {
            return;
        }
        self.found.push(Problem {
            kind: Kind::NPlusOneDb,
            fingerprint,
            description: description.to_string(),
            parent_span_ids: vec![parent_id.to_string()],
            cause_span_ids: vec![source.span_id.clone()],
            offender_span_ids: self.repeats.iter().map(|s| s.span_id.clone()).collect(),
            duration_ms: total,
        });
    }
}

#[cfg(test)]
mod tests;
