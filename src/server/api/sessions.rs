//! `GET /api/0/organizations/{org}/sessions/`: release health as Sentry's sessions endpoint
//! answers it (PROTOCOL-NEXT part 5). Fields `sum(session)`, `count_unique(user)`,
//! `crash_free_rate(session|user)` and `crash_rate(session|user)` (fractions from 0 to 1), and
//! the duration quantiles, which sift does not record (null, as Sentry has served them since it
//! stopped recording durations); `groupBy` project, release, environment and `session.status`
//! (the five statuses healthy, errored, crashed, abnormal, unhandled); `statsPeriod` or
//! `start`/`end`, rounded out to whole `interval`s (whole hours that divide a day, at most 1000
//! of them); `project`, `environment`, and `query` with `release:` (`latest` too) and
//! `environment:`; `orderBy` one of the fields, and `per_page`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use chrono::{DateTime, SecondsFormat};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::params::{Params, duration_secs, parse_time};
use super::{PathArgs, json_response, org_of};
use crate::search::{self, Field, Pattern, Predicate};
use crate::server::{ApiError, AppState};
use crate::store::health::{self, Counts, GroupBy, HealthQuery, STATUSES};
use crate::store::releases::{self, ReleaseFilter};
use crate::store::{StoreError, catalog as cat, now};

/// The most buckets one answer may have.
const MAX_POINTS: usize = 1000;

const DURATIONS: [&str; 7] = ["avg", "p50", "p75", "p90", "p95", "p99", "max"];

/// A requested field, checked.
#[derive(Debug, Clone, PartialEq)]
enum Metric {
    Sessions,
    Users,
    CrashFree { users: bool },
    CrashRate { users: bool },
    Duration,
}

fn metric(field: &str) -> Result<Metric, ApiError> {
    let subject = |inner: &str| match inner {
        "session" => Ok(false),
        "user" => Ok(true),
        _ => Err(()),
    };
    let parsed = match field.split_once('(').map(|(f, rest)| (f, rest.strip_suffix(')'))) {
        Some(("sum", Some("session"))) => Ok(Metric::Sessions),
        Some(("count_unique", Some("user"))) => Ok(Metric::Users),
        Some(("crash_free_rate", Some(inner))) => subject(inner).map(|users| Metric::CrashFree { users }),
        Some(("crash_rate", Some(inner))) => subject(inner).map(|users| Metric::CrashRate { users }),
        Some((f, Some("session.duration"))) if DURATIONS.contains(&f) => Ok(Metric::Duration),
        _ => Err(()),
    };
    parsed.map_err(|()| {
        ApiError::bad_request(format!(
            "Invalid field: {field:?}; valid: sum(session), count_unique(user), crash_free_rate(session|user), \
             crash_rate(session|user), avg|p50|p75|p90|p95|p99|max(session.duration)"
        ))
    })
}

/// A field's value from a group's counts under a status (or none).
fn value(metric: &Metric, counts: &Counts, status: Option<&str>) -> Value {
    match (metric, status) {
        (Metric::Sessions, None) => json!(counts.sessions),
        (Metric::Users, None) => json!(counts.users),
        (Metric::Sessions, Some(s)) => json!(counts.by_status(s, false)),
        (Metric::Users, Some(s)) => json!(counts.by_status(s, true)),
        (Metric::CrashFree { users }, _) => json!(counts.crash_free(*users)),
        (Metric::CrashRate { users }, _) => json!(counts.crash_free(*users).map(|r| 1.0 - r)),
        (Metric::Duration, _) => Value::Null,
    }
}

/// Which releases and environments `query` keeps, as patterns (`None`: no condition).
struct QueryFilter {
    releases: Vec<(Pattern, bool)>,
    latest: Option<bool>,
    environments: Vec<(Pattern, bool)>,
}

fn query_filter(text: &str) -> Result<QueryFilter, ApiError> {
    let parsed = search::parse(text).map_err(|err| ApiError::bad_request(format!("Invalid query: {err}")))?;
    let mut filter = QueryFilter { releases: Vec::new(), latest: None, environments: Vec::new() };
    for predicate in parsed.predicates(crate::clock::now()) {
        match predicate {
            Predicate::Release { release, negated } => {
                if release.latest {
                    filter.latest = Some(negated);
                }
                if let Some(pattern) = release.pattern {
                    filter.releases.push((pattern, negated));
                }
            }
            Predicate::Field { field: Field::Environment, pattern, negated } => {
                filter.environments.push((pattern, negated))
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "Invalid query: only release: and environment: filter sessions, not {other:?}"
                )));
            }
        }
    }
    Ok(filter)
}

fn keeps(conditions: &[(Pattern, bool)], value: &str) -> bool {
    conditions.iter().all(|(pattern, negated)| pattern.matches(value) != *negated)
}

fn stamp(hour: i64) -> String {
    DateTime::from_timestamp(hour * 3600, 0).unwrap_or_default().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// (start hour, end hour, interval hours) of the request.
fn range(params: &Params, at: f64) -> Result<(i64, i64, i64), ApiError> {
    let interval = params.get("interval").filter(|i| !i.is_empty()).unwrap_or("1h");
    let hours = duration_secs(interval)
        .filter(|s| *s >= 3600.0 && s % 3600.0 == 0.0 && 86_400.0 % s == 0.0)
        .map(|s| (s / 3600.0) as i64)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "Invalid interval {interval:?}: whole hours that divide a day, from 1h to 1d"
            ))
        })?;
    let span = hours * 3600;
    let given = |name: &str| params.get(name).filter(|s| !s.is_empty());
    let period = given("statsPeriod").or_else(|| (given("start").is_none() && given("end").is_none()).then_some("24h"));
    let (start_hour, end_hour) = match period {
        Some(period) => {
            let secs = duration_secs(period)
                .filter(|s| *s > 0.0)
                .ok_or_else(|| ApiError::bad_request(format!("Invalid statsPeriod {period:?}")))?;
            // The interval holding now ends the range; whole intervals reach back over the period.
            let end_hour = ((at / 3600.0).floor() as i64).div_euclid(hours) * hours + hours;
            (end_hour - (secs / span as f64).ceil() as i64 * hours, end_hour)
        }
        None => {
            let (start, end) =
                match (params.get("start").filter(|s| !s.is_empty()), params.get("end").filter(|s| !s.is_empty())) {
                    (Some(start), Some(end)) => (
                        parse_time(start).ok_or_else(|| ApiError::bad_request(format!("Invalid start {start:?}")))?,
                        parse_time(end).ok_or_else(|| ApiError::bad_request(format!("Invalid end {end:?}")))?,
                    ),
                    _ => return Err(ApiError::bad_request("start and end must be given together")),
                };
            if end <= start {
                return Err(ApiError::bad_request("end must be after start"));
            }
            let start_hour = ((start / span as f64).floor() as i64) * hours;
            (start_hour, ((end / span as f64).ceil() as i64) * hours)
        }
    };
    if ((end_hour - start_hour) / hours) as usize > MAX_POINTS {
        return Err(ApiError::bad_request(
            "Your interval and date range would create too many results. Use a larger interval, or a smaller date range.",
        ));
    }
    Ok((start_hour, end_hour, hours))
}

fn answer(
    conn: &Connection,
    path: &std::collections::HashMap<String, String>,
    params: &Params,
) -> Result<Value, StoreError> {
    let invalid = |err: ApiError| StoreError::Invalid(err.detail);
    let fields = params.all("field");
    if fields.is_empty() {
        return Err(StoreError::Invalid("Request is missing a \"field\"".into()));
    }
    let metrics = fields.iter().map(|f| metric(f)).collect::<Result<Vec<_>, _>>().map_err(invalid)?;
    let mut by = GroupBy::default();
    let mut by_status = false;
    for group in params.all("groupBy") {
        match group.as_str() {
            "project" => by.project = true,
            "release" => by.release = true,
            "environment" => by.environment = true,
            "session.status" => by_status = true,
            other => {
                return Err(StoreError::Invalid(format!(
                    "Invalid groupBy: {other:?}; valid: project, release, environment, session.status"
                )));
            }
        }
    }
    if by_status && metrics.iter().any(|m| matches!(m, Metric::CrashFree { .. } | Metric::CrashRate { .. })) {
        return Err(StoreError::Invalid("Cannot group field crash_free_rate or crash_rate by session.status".into()));
    }
    let org = org_of(conn, path)?.ok_or_else(|| StoreError::NotFound("organization".into()))?;
    let mut projects = Vec::new();
    for name in params.all("project").iter().filter(|n| n.as_str() != "-1") {
        let project = cat::find_project(conn, org.id, name)?.ok_or_else(|| {
            StoreError::Invalid(format!("Invalid project {name:?}: no such project in this organization"))
        })?;
        projects.push(project.id);
    }
    let (start_hour, end_hour, interval) = range(params, now()).map_err(invalid)?;
    let filter = query_filter(params.get("query").unwrap_or("")).map_err(invalid)?;
    let mut query = HealthQuery {
        org_id: org.id,
        projects: projects.clone(),
        environments: params.all("environment"),
        releases: None,
        start_hour,
        end_hour,
        interval_hours: interval,
        by,
    };
    if filter.latest.is_some() || !filter.releases.is_empty() || !filter.environments.is_empty() {
        // The conditions on each column are independent: keep the values each one allows.
        let present = health::releases_and_environments(conn, &query)?;
        let newest = match filter.latest {
            Some(_) => releases::list(conn, org.id, &ReleaseFilter { projects, ..ReleaseFilter::default() }, 1, 0)?
                .0
                .first()
                .map(|r| r.version.clone()),
            None => None,
        };
        let mut kept_releases: Vec<String> = present
            .iter()
            .map(|(release, _)| release.clone())
            .filter(|r| keeps(&filter.releases, r))
            .filter(|r| filter.latest.is_none_or(|negated| (newest.as_deref() == Some(r.as_str())) != negated))
            .collect();
        kept_releases.dedup();
        let mut kept_environments: Vec<String> =
            present.iter().map(|(_, env)| env.clone()).filter(|e| keeps(&filter.environments, e)).collect();
        kept_environments.sort();
        kept_environments.dedup();
        if !query.environments.is_empty() {
            kept_environments.retain(|e| query.environments.contains(e));
        }
        query.releases = Some(kept_releases);
        query.environments = kept_environments;
        if query.environments.is_empty() {
            query.releases = Some(Vec::new());
        }
    }
    let buckets = query.buckets();
    let folded = health::query(conn, &query)?;
    let statuses: Vec<Option<&str>> = if by_status { STATUSES.iter().map(|s| Some(*s)).collect() } else { vec![None] };
    let mut out: Vec<(Value, f64)> = Vec::new();
    for group in &folded {
        for status in &statuses {
            let mut by_json = Map::new();
            if let Some(project) = group.project {
                by_json.insert("project".into(), json!(project));
            }
            if let Some(release) = &group.release {
                by_json.insert("release".into(), json!(release));
            }
            if let Some(environment) = &group.environment {
                by_json.insert("environment".into(), json!(environment));
            }
            if let Some(status) = status {
                by_json.insert("session.status".into(), json!(status));
            }
            let mut totals = Map::new();
            let mut series = Map::new();
            for (field, metric) in fields.iter().zip(&metrics) {
                totals.insert(field.clone(), value(metric, &group.totals, *status));
                series.insert(field.clone(), group.series.iter().map(|c| value(metric, c, *status)).collect());
            }
            let order = order_key(params, &fields, &totals);
            out.push((json!({ "by": by_json, "totals": totals, "series": series }), order));
        }
    }
    if params.get("orderBy").is_some_and(|o| !o.is_empty()) {
        out.sort_by(|a, b| a.1.total_cmp(&b.1));
    }
    if let Some(limit) = params.get("per_page").and_then(|p| p.parse::<usize>().ok()) {
        out.truncate(limit.max(1));
    }
    Ok(json!({
        "start": stamp(start_hour),
        "end": stamp(end_hour),
        "intervals": (0..buckets).map(|i| stamp(start_hour + i as i64 * interval)).collect::<Vec<_>>(),
        "groups": out.into_iter().map(|(group, _)| group).collect::<Vec<_>>(),
        "query": params.get("query").unwrap_or(""),
    }))
}

/// The sort key of a group for `orderBy` (`-field` for descending).
fn order_key(params: &Params, fields: &[String], totals: &Map<String, Value>) -> f64 {
    let Some(order) = params.get("orderBy").filter(|o| !o.is_empty()) else {
        return 0.0;
    };
    let (field, descending) = match order.strip_prefix('-') {
        Some(field) => (field, true),
        None => (order, false),
    };
    let value =
        if fields.iter().any(|f| f == field) { totals.get(field).and_then(Value::as_f64).unwrap_or(0.0) } else { 0.0 };
    if descending { -value } else { value }
}

/// `GET /api/0/organizations/{org}/sessions/`.
pub async fn query(State(state): State<Arc<AppState>>, path: PathArgs, uri: Uri) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    if let Some(order) = params.get("orderBy").filter(|o| !o.is_empty())
        && !params.all("field").iter().any(|f| f == order.trim_start_matches('-'))
    {
        return Err(ApiError::bad_request(format!("orderBy must be one of the fields, not {order:?}")));
    }
    let value = state.store.read(move |conn| answer(conn, &path, &params)).await?;
    Ok(json_response(value, vec![]))
}
