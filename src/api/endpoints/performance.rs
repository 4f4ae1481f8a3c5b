//! Performance: transactions by name, their slowest samples, their throughput over time, and
//! one trace.
//!
//! Contract: `GET /organizations/{org}/events/` with `dataset=spans` and `is_transaction:true`
//! (the table and the samples, as Sentry's published schema has that endpoint), `GET
//! .../events-stats/` with `topEvents` (sparklines; at most 10 names per call, Sentry's cap)
//! and `GET .../trace/{trace_id}/`. Only parameters the caller set are sent.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::Value;

use crate::api::client::Client;
use crate::api::error::Error;
use crate::api::link::Cursors;
use crate::api::models::performance::{
    SAMPLE_FIELDS, TABLE_FIELDS, Trace, TransactionSample, TransactionSummary, series_by_name,
};
use crate::api::page::Page;

/// Most names one sparkline request covers.
pub const SERIES_NAMES: usize = 10;

/// What the transactions table narrows and orders by.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PerformanceParams {
    /// Sentry search syntax, beside `is_transaction:true`.
    pub query: String,
    pub environments: Vec<String>,
    pub projects: Vec<i64>,
    /// `24h`, `14d`, ...
    pub stats_period: String,
    /// A field of [`TABLE_FIELDS`], with `-` for descending.
    pub sort: String,
    pub per_page: Option<u32>,
    pub cursor: Option<String>,
}

impl PerformanceParams {
    fn common(&self) -> Vec<(&'static str, String)> {
        let mut query = vec![("dataset", "spans".to_string())];
        let search = format!("is_transaction:true {}", self.query.trim());
        query.push(("query", search.trim().to_string()));
        if !self.stats_period.is_empty() {
            query.push(("statsPeriod", self.stats_period.clone()));
        }
        query.extend(self.environments.iter().map(|e| ("environment", e.clone())));
        query.extend(self.projects.iter().map(|p| ("project", p.to_string())));
        query
    }
}

/// A search value quoted for `key:"value"` when it needs it.
fn quoted(value: &str) -> String {
    if value.chars().any(|c| c.is_whitespace() || matches!(c, '"' | ',' | '[' | ']' | '(' | ')' | ':')) {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        value.to_string()
    }
}

impl Client {
    async fn discover(&self, query: &[(&str, String)]) -> Result<(Vec<Value>, Cursors), Error> {
        let response = self.execute(Method::GET, self.org_url(&["events"], query), None).await?;
        let body: Value = response.json()?;
        let link = response.headers.get("link").and_then(|v| v.to_str().ok());
        let rows = body.get("data").and_then(Value::as_array).cloned().unwrap_or_default();
        Ok((rows, Cursors::from_link_header(link)))
    }

    /// A page of transaction names with their throughput, percentiles, failure rate and users.
    pub async fn transactions_summary(&self, params: &PerformanceParams) -> Result<Page<TransactionSummary>, Error> {
        let mut query = params.common();
        query.extend(TABLE_FIELDS.iter().map(|f| ("field", f.to_string())));
        if !params.sort.is_empty() {
            query.push(("sort", params.sort.clone()));
        }
        query.push(("per_page", params.per_page.unwrap_or(50).to_string()));
        if let Some(cursor) = &params.cursor {
            query.push(("cursor", cursor.clone()));
        }
        let (rows, cursors) = self.discover(&query).await?;
        Ok(Page {
            items: rows.iter().map(TransactionSummary::from_row).collect(),
            next_cursor: cursors.next,
            prev_cursor: cursors.previous,
            hits: None,
            max_hits: None,
        })
    }

    /// The slowest `limit` transactions named `name` (within the params' window and filters).
    pub async fn transaction_samples(
        &self,
        name: &str,
        params: &PerformanceParams,
        limit: u32,
    ) -> Result<Vec<TransactionSample>, Error> {
        let narrowed = PerformanceParams {
            query: format!("{} transaction:{}", params.query.trim(), quoted(name)),
            ..params.clone()
        };
        let mut query = narrowed.common();
        query.extend(SAMPLE_FIELDS.iter().map(|f| ("field", f.to_string())));
        query.push(("sort", "-span.duration".into()));
        query.push(("per_page", limit.to_string()));
        let (rows, _) = self.discover(&query).await?;
        Ok(rows.iter().map(TransactionSample::from_row).collect())
    }

    /// Transactions per `interval` for each of `names` (at most [`SERIES_NAMES`]).
    pub async fn transaction_series(
        &self,
        names: &[String],
        params: &PerformanceParams,
        interval: &str,
    ) -> Result<BTreeMap<String, Vec<f64>>, Error> {
        let names = &names[..names.len().min(SERIES_NAMES)];
        if names.is_empty() {
            return Ok(BTreeMap::new());
        }
        let list = names.iter().map(|n| quoted(n)).collect::<Vec<_>>().join(", ");
        let narrowed =
            PerformanceParams { query: format!("{} transaction:[{list}]", params.query.trim()), ..params.clone() };
        let mut query = narrowed.common();
        query.push(("field", "transaction".into()));
        query.push(("field", "count()".into()));
        query.push(("yAxis", "count()".into()));
        query.push(("topEvents", names.len().to_string()));
        query.push(("orderby", "-count()".into()));
        query.push(("interval", interval.to_string()));
        query.push(("excludeOther", "1".into()));
        let body: Value = self.get_json(self.org_url(&["events-stats"], &query)).await?;
        Ok(series_by_name(&body))
    }

    /// One trace's spans, with the errors and performance issues on them.
    pub async fn trace(&self, trace_id: &str) -> Result<Trace, Error> {
        let body: Value = self.get_json(self.org_url(&["trace", trace_id], &[])).await?;
        Ok(Trace::from_json(trace_id, &body))
    }
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn search_values_are_quoted_when_they_need_it() {
        assert_eq!(quoted("checkout"), "checkout");
        assert_eq!(quoted("GET /users/:id"), "\"GET /users/:id\"");
        assert_eq!(quoted("a\"b"), "\"a\\\"b\"");
    }
}
