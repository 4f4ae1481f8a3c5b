//! `GET organizations/{org}/events-stats/`: time series of transactions, as Sentry's charts and
//! sparklines read them. `yAxis` (repeatable, default `count()`) names the functions, `interval`
//! the bucket (`1m`, `5m`, `1h`, `1d`, or seconds); the window, projects, environments and
//! query are those of the table. One `yAxis` answers `{"data": [[ts, [{"count": v}]], ...],
//! "start", "end", ...}`; several answer one such object per axis; `topEvents=N` with
//! `field=transaction` answers one per transaction, keyed by its name, for the top N by
//! `orderby` (default `-count()`), each with its `order`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::fields::{Field, Function, Kind, Plain, aggregate};
use super::{compare, dataset_of, filter_of, meta};
use crate::server::api::params::Params;
use crate::server::api::{PathArgs, json_response, org_of};
use crate::server::{ApiError, AppState};
use crate::store::StoreError;
use crate::store::transactions::query::{self as tq, Bucket, Column, Cond, Durations, Group, GroupKey, Match};

/// Most buckets one series may have.
const MAX_BUCKETS: f64 = 10_000.0;
/// Most top events, as Sentry allows.
const MAX_TOP: usize = 10;

/// `1m`, `5m`, `1h`, `1d`, `30s`, or a number of seconds.
fn interval_secs(text: &str) -> Option<i64> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().ok().filter(|n| *n > 0)?;
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    n.checked_mul(scale)
}

/// A bucket as the aggregate functions read it.
fn as_group(bucket: &Bucket) -> Group {
    Group {
        keys: Vec::new(),
        count: bucket.count,
        failures: bucket.failures,
        duration_sum: bucket.duration_sum,
        durations: bucket.durations.clone().unwrap_or(Durations::Exact(Vec::new())),
        users: 0,
    }
}

/// Where a series' buckets lie, and how it was read.
#[derive(Clone, Copy)]
struct Shape {
    dataset: super::fields::Dataset,
    start: i64,
    interval: i64,
    end: f64,
    from_rollups: bool,
}

fn series_json(buckets: &[Bucket], function: Function, shape: Shape) -> Value {
    let Shape { start, interval, end, .. } = shape;
    let minutes = interval as f64 / 60.0;
    let data: Vec<Value> = buckets
        .iter()
        .enumerate()
        .map(|(i, bucket)| {
            let value = match aggregate(function, &as_group(bucket), minutes) {
                Value::Null => json!(0),
                v => v,
            };
            json!([start + i as i64 * interval, [{ "count": value }]])
        })
        .collect();
    json!({ "data": data, "start": start, "end": end as i64 })
}

pub async fn handler(State(state): State<Arc<AppState>>, path: PathArgs, uri: Uri) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    let dataset = dataset_of(&params)?;
    let mut axes = params.all("yAxis");
    if axes.is_empty() {
        axes.push("count()".into());
    }
    let axes = axes.iter().map(|a| Field::parse(a)).collect::<Result<Vec<_>, _>>().map_err(ApiError::bad_request)?;
    let mut functions = Vec::new();
    for axis in &axes {
        match axis.kind {
            Kind::Function(Function::Users) => {
                return Err(ApiError::bad_request("count_unique(user) is not available as a series here"));
            }
            Kind::Function(function) => functions.push(function),
            Kind::Plain(_) => return Err(ApiError::bad_request(format!("yAxis {:?} is not a function", axis.name))),
        }
    }
    let interval = match params.get("interval").filter(|i| !i.is_empty()) {
        Some(text) => interval_secs(text).ok_or_else(|| ApiError::bad_request(format!("Invalid interval {text:?}")))?,
        None => 3600,
    };
    let top = match params.get("topEvents").filter(|t| !t.is_empty()) {
        Some(text) => match text.parse::<usize>() {
            Ok(n @ 1..=MAX_TOP) => Some(n),
            _ => return Err(ApiError::bad_request(format!("topEvents must be from 1 to {MAX_TOP}, not {text:?}"))),
        },
        None => None,
    };
    if top.is_some() {
        let grouped = params.all("field").iter().map(|f| Field::parse(f)).collect::<Result<Vec<_>, _>>();
        let grouped = grouped.map_err(ApiError::bad_request)?;
        if grouped.iter().any(|f| !f.is_function() && f.kind != Kind::Plain(Plain::Transaction)) {
            return Err(ApiError::bad_request("top events are grouped by field=transaction here"));
        }
    }
    let order = params.get("orderby").unwrap_or("-count()").to_string();
    let now = crate::store::now();
    let body = state
        .store
        .read(move |conn| {
            let org = org_of(conn, &path)?.ok_or_else(|| StoreError::NotFound("organization".into()))?;
            let mut filter = filter_of(conn, &org, &params, now)?;
            if (filter.end - filter.start) / interval as f64 > MAX_BUCKETS {
                return Err(StoreError::Invalid(format!(
                    "the interval {interval}s makes more than {MAX_BUCKETS} buckets for this window; use a longer one"
                )));
            }
            let start = tq::series_start(&filter, interval);
            let Some(top) = top else {
                let (series, from_rollups) = tq::series(conn, &filter, interval, false)?;
                let empty = vec![Bucket::default(); buckets_len(&filter, interval)];
                let buckets = series.get("").unwrap_or(&empty);
                let shape = Shape { dataset, start, interval, end: filter.end, from_rollups };
                return Ok(axes_json(&axes, &functions, buckets, shape));
            };
            let names = top_names(conn, &filter, &order, top)?;
            filter.conds.push(Cond::Is(Column::Name, Match::AnyOf(names.clone())));
            let (series, from_rollups) = tq::series(conn, &filter, interval, true)?;
            let empty = vec![Bucket::default(); buckets_len(&filter, interval)];
            let mut out = Map::new();
            for (i, name) in names.iter().enumerate() {
                let buckets = series.get(name).unwrap_or(&empty);
                let shape = Shape { dataset, start, interval, end: filter.end, from_rollups };
                let mut entry = axes_json(&axes, &functions, buckets, shape);
                if let Some(map) = entry.as_object_mut() {
                    map.insert("order".into(), json!(i));
                }
                out.insert(name.clone(), entry);
            }
            Ok(Value::Object(out))
        })
        .await?;
    Ok(json_response(body, Vec::new()))
}

fn buckets_len(filter: &tq::Filter, interval: i64) -> usize {
    let first = (filter.start as i64).div_euclid(interval);
    let last = ((filter.end - 1e-6) as i64).div_euclid(interval).max(first);
    (last - first + 1) as usize
}

fn axes_json(axes: &[Field], functions: &[Function], buckets: &[Bucket], shape: Shape) -> Value {
    let one = |function: Function| {
        let mut series = series_json(buckets, function, shape);
        if let Some(map) = series.as_object_mut() {
            map.insert("isMetricsData".into(), json!(shape.from_rollups));
            map.insert("meta".into(), meta(axes, shape.from_rollups, shape.dataset));
        }
        series
    };
    match functions {
        [only] => one(*only),
        many => Value::Object(axes.iter().zip(many).map(|(axis, f)| (axis.name.clone(), one(*f))).collect()),
    }
}

/// The names of the `top` transactions by `order` (`-count()`, `-p95()`, ...).
fn top_names(
    conn: &rusqlite::Connection,
    filter: &tq::Filter,
    order: &str,
    top: usize,
) -> Result<Vec<String>, StoreError> {
    let (name, desc) = match order.strip_prefix('-') {
        Some(name) => (name, true),
        None => (order, false),
    };
    let field = Field::parse(name).map_err(StoreError::Invalid)?;
    let Kind::Function(function) = field.kind else {
        return Err(StoreError::Invalid(format!("orderby {name:?} must be a function for top events")));
    };
    let summary = tq::summary(conn, filter, &[GroupKey::Transaction])?;
    let minutes = (filter.end - filter.start) / 60.0;
    let mut ranked: Vec<(Value, String)> = summary
        .groups
        .iter()
        .filter_map(|g| Some((aggregate(function, g, minutes), g.keys.first()?.clone()?)))
        .collect();
    ranked.sort_by(|a, b| if desc { compare(&b.0, &a.0) } else { compare(&a.0, &b.0) }.then_with(|| a.1.cmp(&b.1)));
    Ok(ranked.into_iter().take(top).map(|(_, name)| name).collect())
}

#[cfg(test)]
mod tests {
    use super::interval_secs;

    #[test]
    fn intervals_read_like_sentrys() {
        assert_eq!(interval_secs("1h"), Some(3600));
        assert_eq!(interval_secs("5m"), Some(300));
        assert_eq!(interval_secs("1d"), Some(86_400));
        assert_eq!(interval_secs("90"), Some(90));
        for bad in ["", "0m", "h", "5y", "-1h"] {
            assert_eq!(interval_secs(bad), None, "{bad}");
        }
    }
}
