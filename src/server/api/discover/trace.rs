//! `GET organizations/{org}/trace/{trace_id}/`: one trace as Sentry's trace view reads it, a
//! list of root nodes nesting through `children`. Each transaction is a node
//! (`is_transaction: true`, `event_id` its root span id) and each of its spans one below it; a
//! span hangs under its parent, a transaction under the span of another transaction it
//! continues. Errors hang in the `errors` of the span their `contexts.trace.span_id` names, and
//! performance issues in the `occurrences` of their first offending span; an error matching no
//! span is a top-level item of its own. The tree is a tree whatever was stored: a span whose
//! parent is nowhere hangs under its transaction, nodes in a loop of parents are cut loose as
//! roots, and nesting is capped at [`MAX_DEPTH`] (deeper spans hang at that depth, their
//! `parent_span_id` kept), so no client's JSON parser hits its recursion limit.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use serde_json::{Value, json};

use crate::server::api::{PathArgs, json_response, org_of};
use crate::server::{ApiError, AppState};
use crate::store::StoreError;
use crate::store::traces::{self, TraceEvent, TraceTransaction};

/// Deepest nesting of nodes in the answer (serde_json stops at 128 levels of JSON, and each node
/// is two: itself and its `children`).
pub const MAX_DEPTH: usize = 40;

pub async fn handler(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let raw = path.get("trace_id").cloned().unwrap_or_default();
    let trace_id: String = raw.chars().filter(|c| *c != '-').map(|c| c.to_ascii_lowercase()).collect();
    if trace_id.len() != 32 || !trace_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::bad_request(format!("Invalid trace id {raw:?}: expected 32 hex digits")));
    }
    let body = state
        .store
        .read(move |conn| {
            let org = org_of(conn, &path)?.ok_or_else(|| StoreError::NotFound("organization".into()))?;
            let (transactions, events) = traces::read(conn, org.id, &trace_id)?;
            Ok(build(&transactions, &events))
        })
        .await?;
    Ok(json_response(body, Vec::new()))
}

/// A node while the tree is built.
struct Node {
    json: serde_json::Map<String, Value>,
    span_id: String,
    /// The node's parent as stored.
    parent: Option<String>,
    /// The transaction's root node, for spans.
    owner: Option<usize>,
    start: f64,
    errors: Vec<Value>,
    occurrences: Vec<Value>,
}

fn f64_of(value: &Value, key: &str) -> f64 {
    value.get(key).and_then(Value::as_f64).unwrap_or(0.0)
}

fn nodes_of(transaction: &TraceTransaction, nodes: &mut Vec<Node>) {
    let Ok(event) = serde_json::from_slice::<Value>(&transaction.json) else { return };
    let trace = event.pointer("/contexts/trace").cloned().unwrap_or(Value::Null);
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    // The schema wants strings where Sentry always has one.
    let string = |v: &Value, k: &str| json!(text(v, k).unwrap_or_default());
    let Some(root_id) = text(&trace, "span_id") else { return };
    let (start, end) = (f64_of(&event, "start_timestamp"), f64_of(&event, "timestamp"));
    let name = text(&event, "transaction");
    let sdk = event.pointer("/sdk/name").and_then(Value::as_str).map(str::to_owned);
    let common = |json: &mut serde_json::Map<String, Value>| {
        json.insert("transaction_id".into(), json!(transaction.event_id));
        json.insert("project_id".into(), json!(transaction.project_id));
        json.insert("project_slug".into(), json!(transaction.project_slug));
        json.insert("transaction".into(), json!(name.clone().unwrap_or_default()));
        json.insert("sdk_name".into(), json!(sdk.clone().unwrap_or_default()));
        json.insert("profile_id".into(), json!(""));
        json.insert("profiler_id".into(), json!(""));
        json.insert("browser_web_vital".into(), json!({}));
        json.insert("mobile_app_vital".into(), json!({}));
    };
    let mut root = serde_json::Map::new();
    root.insert("event_type".into(), json!("span"));
    root.insert("event_id".into(), json!(root_id));
    common(&mut root);
    root.insert("description".into(), json!(name.clone().unwrap_or_default()));
    root.insert("op".into(), string(&trace, "op"));
    root.insert("name".into(), string(&trace, "op"));
    root.insert("status".into(), json!(text(&trace, "status")));
    root.insert("parent_span_id".into(), json!(text(&trace, "parent_span_id")));
    root.insert("is_transaction".into(), json!(true));
    root.insert("start_timestamp".into(), json!(start));
    root.insert("end_timestamp".into(), json!(end));
    root.insert("duration".into(), json!(((end - start) * 1000.0 * 1000.0).round() / 1000.0));
    root.insert("measurements".into(), measurements(event.get("measurements")));
    let owner = nodes.len();
    let parent = text(&trace, "parent_span_id");
    nodes.push(Node {
        json: root,
        span_id: root_id,
        parent,
        owner: None,
        start,
        errors: Vec::new(),
        occurrences: Vec::new(),
    });
    for span in event.get("spans").and_then(Value::as_array).into_iter().flatten() {
        let Some(span_id) = text(span, "span_id") else { continue };
        let (start, end) = (f64_of(span, "start_timestamp"), f64_of(span, "timestamp"));
        let mut json = serde_json::Map::new();
        json.insert("event_type".into(), json!("span"));
        json.insert("event_id".into(), json!(span_id));
        common(&mut json);
        json.insert("description".into(), string(span, "description"));
        json.insert("op".into(), string(span, "op"));
        json.insert("name".into(), string(span, "op"));
        json.insert("status".into(), json!(text(span, "status")));
        json.insert("parent_span_id".into(), json!(text(span, "parent_span_id")));
        json.insert("is_transaction".into(), json!(false));
        json.insert("start_timestamp".into(), json!(start));
        json.insert("end_timestamp".into(), json!(end));
        json.insert("duration".into(), json!(((end - start) * 1000.0 * 1000.0).round() / 1000.0));
        json.insert("measurements".into(), json!({}));
        let parent = text(span, "parent_span_id");
        nodes.push(Node {
            json,
            span_id,
            parent,
            owner: Some(owner),
            start,
            errors: Vec::new(),
            occurrences: Vec::new(),
        });
    }
}

/// Sentry's measurements (`{"lcp": {"value": 812, "unit": "millisecond"}}`) as the trace view
/// has them: `{"measurements.lcp": 812}`.
fn measurements(stored: Option<&Value>) -> Value {
    let map: serde_json::Map<String, Value> = stored
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, m)| Some((format!("measurements.{name}"), json!(m.get("value")?.as_f64()?))))
        .collect();
    Value::Object(map)
}

/// Sentry's numeric group type: 1 for errors, the performance types' own ids.
fn type_id(issue_type: &str) -> u32 {
    match issue_type {
        "performance_n_plus_one_db_queries" => 1006,
        "performance_slow_db_query" => 1001,
        _ => 1,
    }
}

fn issue_json(event: &TraceEvent, kind: &str, span: Option<&str>, parsed: &Value) -> Value {
    json!({
        "event_type": kind,
        "event_id": event.event_id,
        "issue_id": event.issue_id,
        "short_id": event.short_id,
        "level": event.level,
        "description": event.title,
        "title": event.title,
        "culprit": event.culprit,
        "issue_type": type_id(&event.issue_type),
        "issue_category": if event.issue_type.starts_with("performance_") { "performance" } else { "error" },
        "project_id": event.project_id,
        "project_slug": event.project_slug,
        "transaction": parsed.get("transaction").and_then(Value::as_str).unwrap_or_default(),
        "span": span,
        "start_timestamp": event.timestamp,
    })
}

/// The trace's root nodes, then its errors that match no span.
pub fn build(transactions: &[TraceTransaction], events: &[TraceEvent]) -> Value {
    let mut nodes = Vec::new();
    for transaction in transactions {
        nodes_of(transaction, &mut nodes);
    }
    let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(nodes.len());
    for (i, node) in nodes.iter().enumerate() {
        by_id.entry(node.span_id.as_str()).or_insert(i);
    }
    let by_id: HashMap<String, usize> = by_id.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    let mut loose = Vec::new();
    for event in events {
        let parsed: Value = serde_json::from_slice(&event.json).unwrap_or(Value::Null);
        let span = parsed.pointer("/contexts/trace/span_id").and_then(Value::as_str);
        if event.issue_type.starts_with("performance_") {
            let offender = parsed.pointer("/occurrence/evidenceData/offenderSpanIds/0").and_then(Value::as_str);
            let at = offender.or(span).and_then(|s| by_id.get(s).copied());
            let item = issue_json(event, "occurrence", offender.or(span), &parsed);
            match at {
                Some(i) => nodes[i].occurrences.push(item),
                None => loose.push(item),
            }
            continue;
        }
        match span.and_then(|s| by_id.get(s).copied()) {
            Some(i) => nodes[i].errors.push(issue_json(event, "error", span, &parsed)),
            None => loose.push(issue_json(event, "error", span, &parsed)),
        }
    }
    // Each node's parent index: its stored parent, else (a span) its own transaction.
    let parents: Vec<Option<usize>> = nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let named = node.parent.as_deref().and_then(|p| by_id.get(p).copied()).filter(|p| *p != i);
            named.or(node.owner)
        })
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut roots = Vec::new();
    for (i, parent) in parents.iter().enumerate() {
        match parent {
            Some(p) => children[*p].push(i),
            None => roots.push(i),
        }
    }
    for list in children.iter_mut().chain(std::iter::once(&mut roots)) {
        list.sort_by(|a, b| nodes[*a].start.total_cmp(&nodes[*b].start));
    }
    // Walk from the roots, capping depth; nodes never reached are in loops: each loop's
    // earliest becomes a root.
    let mut placed: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut shown_children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut depth = vec![0usize; nodes.len()];
    let mut seen = vec![false; nodes.len()];
    let mut order: Vec<usize> = (0..nodes.len()).collect();
    order.sort_by(|a, b| nodes[*a].start.total_cmp(&nodes[*b].start));
    let mut final_roots = Vec::new();
    for root in roots.iter().copied().chain(order) {
        if seen[root] {
            continue;
        }
        final_roots.push(root);
        seen[root] = true;
        let mut stack = vec![root];
        while let Some(at) = stack.pop() {
            for &child in children[at].iter().rev() {
                if seen[child] {
                    continue;
                }
                seen[child] = true;
                // Past the depth cap a node hangs beside its parent instead of under it.
                let host = if depth[at] + 1 >= MAX_DEPTH { placed[at].unwrap_or(at) } else { at };
                depth[child] = depth[host] + 1;
                placed[child] = Some(host);
                stack.push(child);
            }
        }
    }
    for (i, host) in placed.iter().enumerate() {
        if let Some(host) = host {
            shown_children[*host].push(i);
        }
    }
    for list in &mut shown_children {
        list.sort_by(|a, b| nodes[*a].start.total_cmp(&nodes[*b].start));
    }
    final_roots.sort_by(|a, b| nodes[*a].start.total_cmp(&nodes[*b].start));
    let mut out: Vec<Value> = final_roots.iter().map(|&r| render(r, &mut nodes, &shown_children)).collect();
    out.extend(loose);
    Value::Array(out)
}

/// A node and its children as JSON (depth is bounded by [`MAX_DEPTH`]).
fn render(at: usize, nodes: &mut [Node], children: &[Vec<usize>]) -> Value {
    let kids: Vec<Value> = children[at].iter().map(|&c| render(c, nodes, children)).collect();
    let node = &mut nodes[at];
    let mut json = std::mem::take(&mut node.json);
    json.insert("errors".into(), Value::Array(std::mem::take(&mut node.errors)));
    json.insert("occurrences".into(), Value::Array(std::mem::take(&mut node.occurrences)));
    json.insert("children".into(), Value::Array(kids));
    Value::Object(json)
}
