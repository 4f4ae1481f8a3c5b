//! The Discover endpoints, for transactions, as Sentry's Performance views call them:
//! `GET organizations/{org}/events/` (a table: one row per group when functions are asked for,
//! else one per transaction), `events-stats/` ([`stats`]: time series for sparklines) and
//! `trace/{trace_id}/` ([`trace`]). Rows are keyed by the `field` strings exactly as given,
//! with `meta.fields` and `meta.units` as Sentry answers; `query`, `sort`, `statsPeriod` or
//! `start`/`end`, `environment`, `project` and cursors work as there. Only the transactions
//! dataset is kept; anything this server cannot answer is a 400 saying why.

mod fields;
mod search;
mod stats;
pub mod trace;

use std::cmp::Ordering;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use rusqlite::Connection;
use serde_json::{Map, Value, json};

use super::params::{Params, link_header};
use super::{PathArgs, both, json_response, org_of};
use crate::server::{ApiError, AppState};
use crate::store::StoreError;
use crate::store::catalog::{self as cat, Org};
use crate::store::transactions::query::{self as tq, Filter, SampleOrder};
use fields::{Field, Kind, Plain};

type Api = axum::Router<Arc<AppState>>;

/// The routes of this module.
pub fn routes(mut api: Api) -> Api {
    let o = "/api/0/organizations/{org}";
    api = both(api, &format!("{o}/events/"), get(table));
    api = both(api, &format!("{o}/events-stats/"), get(stats::handler));
    both(api, &format!("{o}/trace/{{trace_id}}/"), get(trace::handler))
}

/// Datasets answered as transactions.
const DATASETS: [&str; 4] = ["transactions", "discover", "metricsEnhanced", "metrics"];

/// The dataset asked for: the transaction datasets, or `spans` with `is_transaction:true`
/// (how Sentry's newer views and its published schema ask for transactions).
pub(crate) fn dataset_of(params: &Params) -> Result<fields::Dataset, StoreError> {
    match params.get("dataset").filter(|d| !d.is_empty()) {
        None => Ok(fields::Dataset::Transactions),
        Some(d) if DATASETS.contains(&d) => Ok(fields::Dataset::Transactions),
        Some("spans") => {
            let query = params.get("query").unwrap_or_default();
            if query.split_whitespace().any(|t| t == "is_transaction:true" || t == "is_transaction:1") {
                Ok(fields::Dataset::Spans)
            } else {
                Err(StoreError::Invalid(
                    "this server keeps transactions, not every span: add is_transaction:true to the query".into(),
                ))
            }
        }
        Some(other) => Err(StoreError::Invalid(format!(
            "dataset {other:?} is not kept by this server; it answers transactions (dataset=transactions, or \
             dataset=spans with is_transaction:true)"
        ))),
    }
}
/// The default window, as Sentry's.
const DEFAULT_PERIOD_SECS: f64 = 14.0 * 86_400.0;

/// What every Discover request narrows by: the organization, window, projects, environments
/// and query, read from the parameters.
pub(crate) fn filter_of(conn: &Connection, org: &Org, params: &Params, now: f64) -> Result<Filter, StoreError> {
    dataset_of(params)?;
    let window = params.time_window(now).map_err(StoreError::Invalid)?;
    let (start, end) = (window.start.unwrap_or(now - DEFAULT_PERIOD_SECS), window.end.unwrap_or(now));
    if end <= start {
        return Err(StoreError::Invalid("the window is empty: end is not after start".into()));
    }
    let org_projects = cat::projects(conn, Some(org.id))?;
    let mut projects = Vec::new();
    for text in params.all("project") {
        let id: i64 = text.parse().map_err(|_| StoreError::Invalid(format!("Invalid project id {text:?}")))?;
        if id == -1 {
            continue;
        }
        if !org_projects.iter().any(|p| p.id == id) {
            return Err(StoreError::Invalid(format!("project {id} is not in organization {}", org.slug)));
        }
        projects.push(id);
    }
    if projects.is_empty() {
        projects = org_projects.iter().map(|p| p.id).collect();
    }
    if projects.is_empty() {
        projects.push(-1);
    }
    let query = params.get("query").unwrap_or_default();
    let at = chrono::DateTime::from_timestamp_micros((now * 1e6) as i64).unwrap_or_default();
    let conds = search::conditions(query, at).map_err(StoreError::Invalid)?;
    Ok(Filter { start, end, projects, environments: params.all("environment"), conds })
}

/// `meta` of a table or series of `fields`.
fn meta(fields: &[Field], from_rollups: bool, dataset: fields::Dataset) -> Value {
    let types: Map<String, Value> = fields.iter().map(|f| (f.name.clone(), json!(f.meta_type()))).collect();
    let units: Map<String, Value> = fields.iter().map(|f| (f.name.clone(), f.unit())).collect();
    json!({
        "fields": types,
        "units": units,
        "isMetricsData": from_rollups,
        "isMetricsExtractedData": false,
        "tips": {},
        "datasetReason": "unchanged",
        "dataset": dataset.name(),
    })
}

/// Orders JSON values: numbers by value, text by its characters, nulls last.
fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64().unwrap_or(0.0).total_cmp(&y.as_f64().unwrap_or(0.0)),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Greater,
        (_, Value::Null) => Ordering::Less,
        _ => a.to_string().cmp(&b.to_string()),
    }
}

/// The requested orders: (field name, descending). Each must be a selected field.
fn sorts(params: &Params, fields: &[Field]) -> Result<Vec<(String, bool)>, ApiError> {
    let mut asked = params.all("sort");
    asked.extend(params.all("orderby"));
    asked
        .iter()
        .map(|text| {
            let (name, desc) = match text.strip_prefix('-') {
                Some(name) => (name.trim(), true),
                None => (text.trim(), false),
            };
            if fields.iter().any(|f| f.name == name) {
                Ok((name.to_string(), desc))
            } else {
                Err(ApiError::bad_request(format!("Cannot sort by a field that is not selected: {name:?}")))
            }
        })
        .collect()
}

async fn table(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    let names = params.all("field");
    if names.is_empty() {
        return Err(ApiError::bad_request("No columns selected: add at least one field="));
    }
    let dataset = dataset_of(&params)?;
    let fields = names
        .iter()
        .map(|n| Field::parse_in(n, dataset))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::bad_request)?;
    let mut orders = sorts(&params, &fields)?;
    let page = params.page(50, 100)?;
    let now = crate::store::now();
    let aggregate = fields.iter().any(Field::is_function);
    if aggregate && let Some(bad) = fields.iter().find(|f| !f.is_function() && f.group_key().is_none()) {
        return Err(ApiError::bad_request(format!(
            "{:?} cannot be grouped by; beside functions, fields may be transaction, project, environment, release, \
             transaction.op or transaction.status",
            bad.name
        )));
    }
    if orders.is_empty() {
        let default = if aggregate {
            fields.iter().find(|f| f.name == "count()").or_else(|| fields.iter().find(|f| f.is_function()))
        } else {
            fields.iter().find(|f| f.kind == Kind::Plain(Plain::Timestamp))
        };
        orders.extend(default.map(|f| (f.name.clone(), true)));
    }
    let asked = fields.clone();
    let (rows, more, from_rollups) = state
        .store
        .read(move |conn| {
            let org = org_of(conn, &path)?.ok_or_else(|| StoreError::NotFound("organization".into()))?;
            let filter = filter_of(conn, &org, &params, now)?;
            if aggregate {
                groups(conn, &filter, &asked, &orders, page)
            } else {
                samples(conn, &filter, &asked, &orders, page)
            }
        })
        .await?;
    let body = json!({ "data": rows, "meta": meta(&fields, from_rollups, dataset) });
    let link = link_header(&uri, &headers, page, more);
    Ok(json_response(body, link.map(|l| ("link", l)).into_iter().collect()))
}

type Rows = (Vec<Value>, bool, bool);

fn groups(
    conn: &Connection,
    filter: &Filter,
    fields: &[Field],
    orders: &[(String, bool)],
    page: super::params::PageRequest,
) -> Result<Rows, StoreError> {
    let group_fields: Vec<&Field> = fields.iter().filter(|f| !f.is_function()).collect();
    let by: Vec<tq::GroupKey> = group_fields.iter().filter_map(|f| f.group_key()).collect();
    let summary = tq::summary(conn, filter, &by)?;
    let minutes = (filter.end - filter.start) / 60.0;
    let mut rows: Vec<Map<String, Value>> = summary
        .groups
        .iter()
        .filter(|g| g.count > 0)
        .map(|group| fields.iter().map(|f| (f.name.clone(), f.group_value(group, &group_fields, minutes))).collect())
        .collect();
    sort_rows(&mut rows, orders);
    let more = rows.len() > page.offset + page.limit;
    let rows = rows.into_iter().skip(page.offset).take(page.limit).map(Value::Object).collect();
    Ok((rows, more, summary.from_rollups))
}

fn sort_rows(rows: &mut [Map<String, Value>], orders: &[(String, bool)]) {
    rows.sort_by(|a, b| {
        for (name, desc) in orders {
            let (x, y) = (a.get(name).unwrap_or(&Value::Null), b.get(name).unwrap_or(&Value::Null));
            let order = match (x.is_null(), y.is_null()) {
                (false, false) if *desc => compare(y, x),
                _ => compare(x, y),
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    });
}

fn samples(
    conn: &Connection,
    filter: &Filter,
    fields: &[Field],
    orders: &[(String, bool)],
    page: super::params::PageRequest,
) -> Result<Rows, StoreError> {
    let by_field = |name: &str| fields.iter().find(|f| f.name == name).map(|f| f.kind);
    let order = match orders.first() {
        Some((name, desc)) => match by_field(name) {
            Some(Kind::Plain(Plain::Duration)) => (SampleOrder::Duration, *desc),
            Some(Kind::Plain(Plain::Timestamp)) => (SampleOrder::Start, *desc),
            _ => {
                return Err(StoreError::Invalid(format!(
                    "transactions can be sorted by transaction.duration or timestamp here, not {name:?}"
                )));
            }
        },
        None => (SampleOrder::Start, true),
    };
    let mut found = tq::samples(conn, filter, order, page.limit, page.offset)?;
    let more = found.len() > page.limit;
    found.truncate(page.limit);
    let rows = found
        .iter()
        .map(|sample| {
            let mut row: Map<String, Value> = fields.iter().map(|f| (f.name.clone(), f.sample_value(sample))).collect();
            // Sentry adds the project and id to every event row.
            row.entry("id").or_insert_with(|| json!(sample.event_id));
            row.entry("project.name").or_insert_with(|| json!(sample.project_slug));
            Value::Object(row)
        })
        .collect();
    Ok((rows, more, false))
}

#[cfg(test)]
mod tests;
