//! Reads of transactions for the Performance views: aggregates per group (the Discover table),
//! samples (the slowest of a transaction), and time series (sparklines). A filter the hourly
//! rollups can answer (project, environment, transaction name, whole hours) is read from them;
//! anything else (release, op, status, trace, user) from the transactions themselves, exactly.
//! Which one answered is returned, because Sentry's `meta.isMetricsData` says the same.
//! Every value is a bound parameter.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, params_from_iter};

use super::sketch::{Histogram, Users, quantile_sorted};
use super::{StoreError, is_failure};

/// How a text column must match.
#[derive(Debug, Clone, PartialEq)]
pub enum Match {
    AnyOf(Vec<String>),
    /// A SQL `LIKE` pattern (with `\` as its escape).
    Like(String),
}

/// A typed column of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Name,
    Environment,
    ProjectSlug,
    Release,
    Op,
    Status,
    Trace,
    User,
}

impl Column {
    /// The column's SQL, and whether the rollups have it.
    fn sql(self) -> (&'static str, bool) {
        match self {
            Column::Name => ("name", true),
            Column::Environment => ("nullif(environment, '')", true),
            Column::ProjectSlug => ("(SELECT slug FROM projects WHERE id = project_id)", true),
            Column::Release => ("release", false),
            Column::Op => ("op", false),
            Column::Status => ("status", false),
            Column::Trace => ("trace_id", false),
            Column::User => ("user_key", false),
        }
    }
}

/// One condition of a query's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Is(Column, Match),
    /// The column is set (`has:`).
    Has(Column),
    /// Free text: the name contains it.
    Text(String),
    Not(Box<Cond>),
    Any(Vec<Cond>),
    /// Matches nothing (a field with no stored value here).
    Nothing,
}

impl Cond {
    fn rollup_safe(&self) -> bool {
        match self {
            Cond::Is(column, _) | Cond::Has(column) => column.sql().1,
            Cond::Text(_) | Cond::Nothing => true,
            Cond::Not(inner) => inner.rollup_safe(),
            Cond::Any(parts) => parts.iter().all(Cond::rollup_safe),
        }
    }

    fn sql(&self, out: &mut Vec<Sql>) -> String {
        match self {
            Cond::Is(column, Match::AnyOf(values)) => {
                let marks: Vec<String> = values
                    .iter()
                    .map(|v| {
                        out.push(Sql::Text(v.clone()));
                        format!("?{}", out.len())
                    })
                    .collect();
                format!("coalesce({} IN ({}), 0)", column.sql().0, marks.join(", "))
            }
            Cond::Is(column, Match::Like(pattern)) => {
                out.push(Sql::Text(pattern.clone()));
                format!("coalesce({} LIKE ?{} ESCAPE '\\', 0)", column.sql().0, out.len())
            }
            Cond::Has(column) => format!("({} IS NOT NULL)", column.sql().0),
            Cond::Text(text) => {
                out.push(Sql::Text(format!("%{}%", like_escape(text))));
                format!("(name LIKE ?{} ESCAPE '\\')", out.len())
            }
            Cond::Not(inner) => format!("(NOT {})", inner.sql(out)),
            Cond::Any(parts) if parts.is_empty() => "0".into(),
            Cond::Any(parts) => format!("({})", parts.iter().map(|p| p.sql(out)).collect::<Vec<_>>().join(" OR ")),
            Cond::Nothing => "0".into(),
        }
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE` pattern.
pub fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// What to read: a window (unix seconds, `[start, end)`), projects and environments (empty
/// means all), and the query's conditions (ANDed).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub start: f64,
    pub end: f64,
    pub projects: Vec<i64>,
    pub environments: Vec<String>,
    pub conds: Vec<Cond>,
}

impl Filter {
    fn rollup_safe(&self) -> bool {
        self.conds.iter().all(Cond::rollup_safe)
    }

    /// The WHERE clause and its parameters; `time` is the clause on the table's time column.
    fn sql(&self, time: String, mut out: Vec<Sql>) -> (String, Vec<Sql>) {
        let mut parts = vec![time];
        if !self.projects.is_empty() {
            parts.push(format!(
                "project_id IN ({})",
                self.projects.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
            ));
        }
        if !self.environments.is_empty() {
            parts.push(Cond::Is(Column::Environment, Match::AnyOf(self.environments.clone())).sql(&mut out));
        }
        for cond in &self.conds {
            parts.push(cond.sql(&mut out));
        }
        (parts.join(" AND "), out)
    }

    fn raw_where(&self) -> (String, Vec<Sql>) {
        self.sql("start >= ?1 AND start < ?2".into(), vec![Sql::Real(self.start), Sql::Real(self.end)])
    }

    fn rollup_where(&self) -> (String, Vec<Sql>) {
        let (first, last) = ((self.start / 3600.0).floor() as i64, (self.end / 3600.0).ceil() as i64 - 1);
        self.sql("hour >= ?1 AND hour <= ?2".into(), vec![Sql::Integer(first), Sql::Integer(last)])
    }
}

/// A column rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupKey {
    Transaction,
    Project,
    Environment,
    Op,
    Status,
    Release,
}

impl GroupKey {
    fn column(self) -> Column {
        match self {
            GroupKey::Transaction => Column::Name,
            GroupKey::Project => Column::ProjectSlug,
            GroupKey::Environment => Column::Environment,
            GroupKey::Op => Column::Op,
            GroupKey::Status => Column::Status,
            GroupKey::Release => Column::Release,
        }
    }
}

/// The durations of a group: exact when read from transactions, a histogram from rollups.
#[derive(Debug, Clone, PartialEq)]
pub enum Durations {
    Exact(Vec<f64>),
    Sketch(Histogram),
}

impl Durations {
    pub fn quantile(&self, q: f64) -> Option<f64> {
        match self {
            Durations::Exact(sorted) => quantile_sorted(sorted, q),
            Durations::Sketch(histogram) => histogram.quantile(q),
        }
    }
}

/// One group's aggregates.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The group's values, in the order of the keys asked for.
    pub keys: Vec<Option<String>>,
    pub count: u64,
    pub failures: u64,
    pub duration_sum: f64,
    pub durations: Durations,
    /// Distinct users (estimated when read from rollups).
    pub users: u64,
}

impl Group {
    pub fn failure_rate(&self) -> f64 {
        if self.count == 0 { 0.0 } else { self.failures as f64 / self.count as f64 }
    }

    pub fn avg_duration(&self) -> Option<f64> {
        (self.count > 0).then(|| self.duration_sum / self.count as f64)
    }
}

/// Aggregates, and whether the rollups answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub groups: Vec<Group>,
    pub from_rollups: bool,
}

#[derive(Default)]
struct Fold {
    count: u64,
    failures: u64,
    duration_sum: f64,
    exact: Vec<f64>,
    sketch: Histogram,
    users: HashSet<String>,
    user_sketch: Users,
}

/// The aggregates of every group of `by` matching `filter` (one group when `by` is empty).
pub fn summary(conn: &Connection, filter: &Filter, by: &[GroupKey]) -> Result<Summary, StoreError> {
    let from_rollups = filter.rollup_safe() && by.iter().all(|k| k.column().sql().1);
    let keys_sql: Vec<&str> = by.iter().map(|k| k.column().sql().0).collect();
    let select_keys = if keys_sql.is_empty() { String::new() } else { format!("{}, ", keys_sql.join(", ")) };
    let mut folds: HashMap<Vec<Option<String>>, Fold> = HashMap::new();
    let width = by.len();
    if from_rollups {
        let (clause, args) = filter.rollup_where();
        let sql = format!(
            "SELECT {select_keys}count, failures, duration_sum, durations, users FROM transaction_rollups WHERE {clause}"
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        while let Some(row) = rows.next()? {
            let keys = (0..width).map(|i| row.get::<_, Option<String>>(i)).collect::<Result<Vec<_>, _>>()?;
            let fold = folds.entry(keys).or_default();
            fold.count += row.get::<_, i64>(width)?.max(0) as u64;
            fold.failures += row.get::<_, i64>(width + 1)?.max(0) as u64;
            fold.duration_sum += row.get::<_, f64>(width + 2)?;
            fold.sketch.merge(&Histogram::decode(&row.get::<_, Vec<u8>>(width + 3)?));
            fold.user_sketch.merge(&Users::decode(&row.get::<_, Vec<u8>>(width + 4)?));
        }
    } else {
        let (clause, args) = filter.raw_where();
        let sql = format!("SELECT {select_keys}status, duration, user_key FROM transactions WHERE {clause}");
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        while let Some(row) = rows.next()? {
            let keys = (0..width).map(|i| row.get::<_, Option<String>>(i)).collect::<Result<Vec<_>, _>>()?;
            let fold = folds.entry(keys).or_default();
            let status: String = row.get(width)?;
            let duration: f64 = row.get(width + 1)?;
            fold.count += 1;
            fold.failures += u64::from(is_failure(&status));
            fold.duration_sum += duration;
            fold.exact.push(duration);
            if let Some(user) = row.get::<_, Option<String>>(width + 2)? {
                fold.users.insert(user);
            }
        }
    }
    let groups = folds
        .into_iter()
        .map(|(keys, mut fold)| {
            let (durations, users) = if from_rollups {
                (Durations::Sketch(fold.sketch), fold.user_sketch.estimate())
            } else {
                fold.exact.sort_by(f64::total_cmp);
                (Durations::Exact(fold.exact), fold.users.len() as u64)
            };
            Group {
                keys,
                count: fold.count,
                failures: fold.failures,
                duration_sum: fold.duration_sum,
                durations,
                users,
            }
        })
        .collect();
    Ok(Summary { groups, from_rollups })
}

/// One transaction, as the samples list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub event_id: String,
    pub project_slug: String,
    pub trace_id: String,
    pub span_id: String,
    pub name: String,
    pub op: Option<String>,
    pub status: String,
    pub environment: Option<String>,
    pub release: Option<String>,
    pub user_key: Option<String>,
    pub start: f64,
    pub duration_ms: f64,
    pub span_count: i64,
}

/// What samples are ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleOrder {
    Duration,
    Start,
}

/// A page of the transactions matching `filter`, ordered by `order` (descending when `desc`),
/// `limit + 1` at most so the caller knows whether there is a next page.
pub fn samples(
    conn: &Connection,
    filter: &Filter,
    (order, desc): (SampleOrder, bool),
    limit: usize,
    offset: usize,
) -> Result<Vec<Sample>, StoreError> {
    let (clause, args) = filter.raw_where();
    let column = match order {
        SampleOrder::Duration => "duration",
        SampleOrder::Start => "start",
    };
    let direction = if desc { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT event_id, (SELECT slug FROM projects WHERE id = project_id), trace_id, span_id, name, op, status,
                environment, release, user_key, start, duration, span_count
         FROM transactions WHERE {clause} ORDER BY {column} {direction}, id {direction} LIMIT {} OFFSET {}",
        limit + 1,
        offset
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), |row| {
        Ok(Sample {
            event_id: row.get(0)?,
            project_slug: row.get::<_, Option<String>>(1)?.unwrap_or_default(),
            trace_id: row.get(2)?,
            span_id: row.get(3)?,
            name: row.get(4)?,
            op: row.get(5)?,
            status: row.get(6)?,
            environment: row.get(7)?,
            release: row.get(8)?,
            user_key: row.get(9)?,
            start: row.get(10)?,
            duration_ms: row.get(11)?,
            span_count: row.get(12)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One bucket of a series.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bucket {
    pub count: u64,
    pub failures: u64,
    pub duration_sum: f64,
    pub durations: Option<Durations>,
}

/// Buckets of `interval` seconds from the bucket holding `filter.start` up to `filter.end`,
/// per transaction name when `by_name` (else under the empty name). Whole-hour intervals over
/// a filter the rollups can answer are read from them.
pub fn series(
    conn: &Connection,
    filter: &Filter,
    interval: i64,
    by_name: bool,
) -> Result<(BTreeMap<String, Vec<Bucket>>, bool), StoreError> {
    let interval = interval.max(1);
    let first = (filter.start as i64).div_euclid(interval);
    let last = ((filter.end - 1e-6) as i64).div_euclid(interval).max(first);
    let len = (last - first + 1).min(10_000) as usize;
    let mut out: BTreeMap<String, Vec<Bucket>> = BTreeMap::new();
    let from_rollups = interval % 3600 == 0 && filter.rollup_safe();
    let name_sql = if by_name { "name" } else { "''" };
    let mut add = |name: String, slot: i64, count: u64, failures: u64, sum: f64, durations: Durations| {
        let Ok(index) = usize::try_from(slot - first) else { return };
        if index >= len {
            return;
        }
        let buckets = out.entry(name).or_insert_with(|| vec![Bucket::default(); len]);
        let bucket = &mut buckets[index];
        bucket.count += count;
        bucket.failures += failures;
        bucket.duration_sum += sum;
        bucket.durations = Some(match (bucket.durations.take(), durations) {
            (Some(Durations::Sketch(mut a)), Durations::Sketch(b)) => {
                a.merge(&b);
                Durations::Sketch(a)
            }
            (Some(Durations::Exact(mut a)), Durations::Exact(b)) => {
                a.extend(b);
                Durations::Exact(a)
            }
            (_, d) => d,
        });
    };
    if from_rollups {
        let (clause, args) = filter.rollup_where();
        let sql = format!(
            "SELECT {name_sql}, hour, count, failures, duration_sum, durations FROM transaction_rollups WHERE {clause}"
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        while let Some(row) = rows.next()? {
            let slot = (row.get::<_, i64>(1)? * 3600).div_euclid(interval);
            let histogram = Histogram::decode(&row.get::<_, Vec<u8>>(5)?);
            add(
                row.get(0)?,
                slot,
                row.get::<_, i64>(2)?.max(0) as u64,
                row.get::<_, i64>(3)?.max(0) as u64,
                row.get(4)?,
                Durations::Sketch(histogram),
            );
        }
    } else {
        let (clause, args) = filter.raw_where();
        let sql = format!("SELECT {name_sql}, start, status, duration FROM transactions WHERE {clause}");
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        while let Some(row) = rows.next()? {
            let slot = (row.get::<_, f64>(1)? as i64).div_euclid(interval);
            let duration: f64 = row.get(3)?;
            let failed = u64::from(is_failure(&row.get::<_, String>(2)?));
            add(row.get(0)?, slot, 1, failed, duration, Durations::Exact(vec![duration]));
        }
        for buckets in out.values_mut() {
            for bucket in buckets.iter_mut() {
                if let Some(Durations::Exact(values)) = bucket.durations.as_mut() {
                    values.sort_by(f64::total_cmp);
                }
            }
        }
    }
    Ok((out, from_rollups))
}

/// The first bucket's start (unix seconds) of a [`series`] over `filter`.
pub fn series_start(filter: &Filter, interval: i64) -> i64 {
    (filter.start as i64).div_euclid(interval.max(1)) * interval.max(1)
}
