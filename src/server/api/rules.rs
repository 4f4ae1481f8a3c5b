//! Issue alert rules in Sentry's shape: `GET/POST /api/0/projects/{org}/{project}/rules/` and
//! `GET/PUT/DELETE …/rules/{rule_id}/`, plus sift's own `POST …/rules/{rule_id}/test/` (send a
//! test notification through the outbox), `GET /api/0/organizations/{org}/alert-firings/` (the
//! firing log with each delivery's state) and `GET …/alert-outbox/` (the outbox's counts and
//! bound). Secrets go in with a POST or PUT and never come out: an action lists only which of
//! them are set. A PUT that leaves a secret out keeps the stored one. Rules from config.toml are
//! read-only here.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::catalog::project_of;
use super::issue_json::iso;
use super::{PathArgs, both, json_response, org_of};
use crate::alerts::parse::{self, RuleError};
use crate::alerts::render;
use crate::alerts::rule::{Action, RuleWithSecrets};
use crate::server::{ApiError, AppState};
use crate::store::StoreError;
use crate::store::alerts::Origin;
use crate::store::alerts::outbox::{self, LogQuery, LoggedFiring};
use crate::store::alerts::rules::{self as store_rules, StoredRule};
use crate::store::catalog as cat;
use crate::store::projects::public_url;

type Api = axum::Router<Arc<AppState>>;

/// Adds the routes to `api`.
pub fn routes(mut api: Api) -> Api {
    let p = "/api/0/projects/{org}/{project}/rules";
    api = both(api, &format!("{p}/"), axum::routing::get(list).post(create));
    api = both(api, &format!("{p}/{{rule}}/"), axum::routing::get(one).put(update).delete(delete));
    api = both(api, &format!("{p}/{{rule}}/test/"), axum::routing::post(test));
    let o = "/api/0/organizations/{org}";
    api = both(api, &format!("{o}/alert-firings/"), axum::routing::get(firings));
    both(api, &format!("{o}/alert-outbox/"), axum::routing::get(outbox_summary))
}

/// A delivery's state for people: `pending`, `retrying`, `sent`, `failed` or `dropped`.
fn delivery_state(state: &str, attempts: u32) -> &str {
    match state {
        "pending" if attempts > 0 => "retrying",
        other => other,
    }
}

fn firing_json(logged: &LoggedFiring, base: &str) -> Value {
    let f = &logged.firing;
    let c = &f.context;
    let base = base.trim_end_matches('/');
    let issue = f.group_id.map(|id| {
        let org = c.get("org").and_then(Value::as_str).unwrap_or("local");
        json!({
            "id": id.to_string(),
            "shortId": c.get("shortId"),
            "title": c.get("title"),
            "permalink": format!("{base}/organizations/{org}/issues/{id}/"),
        })
    });
    let deliveries: Vec<Value> = logged
        .deliveries
        .iter()
        .map(|d| {
            json!({
                "action": d.action,
                "kind": d.kind,
                "state": delivery_state(&d.state, d.attempts),
                "attempts": d.attempts,
                "lastError": d.last_error,
                "nextAttempt": (d.state == "pending").then(|| iso(d.next_attempt)),
                "dateUpdated": iso(d.updated_at),
            })
        })
        .collect();
    json!({
        "id": f.id.to_string(),
        "idempotencyKey": f.key,
        "rule": { "id": f.rule_id.map(|id| id.to_string()), "name": f.rule_name },
        "project": c.get("project"),
        "issue": issue,
        "eventId": f.event_id,
        "reason": f.reason,
        "test": f.test,
        "dateFired": iso(f.fired_at),
        "actions": c.get("actions"),
        "deliveries": deliveries,
    })
}

fn rule_json(stored: &StoredRule, last: Option<&LoggedFiring>, base: &str) -> Value {
    // The id first, as Sentry answers.
    let mut value = json!({ "id": stored.id.to_string() });
    if let (Some(obj), Value::Object(rule)) =
        (value.as_object_mut(), render::rule(&stored.rule.rule, &stored.rule.secrets))
    {
        obj.extend(rule);
        obj.insert("dateCreated".into(), iso(stored.date_created).into());
        obj.insert("dateModified".into(), iso(stored.date_modified).into());
        obj.insert("projects".into(), json!([stored.project_slug]));
        obj.insert("owner".into(), Value::Null);
        obj.insert("createdBy".into(), Value::Null);
        obj.insert("snooze".into(), false.into());
        obj.insert("origin".into(), stored.origin.as_str().into());
        obj.insert("lastFiring".into(), last.map_or(Value::Null, |f| firing_json(f, base)));
    }
    value
}

fn bad(err: RuleError) -> ApiError {
    ApiError::bad_request(err.0)
}

/// The rule named in the path, within the path's project.
fn rule_of(conn: &rusqlite::Connection, path: &HashMap<String, String>) -> Result<(i64, StoredRule), StoreError> {
    let (_, project) = project_of(conn, path)?;
    let named = path.get("rule").map(String::as_str).unwrap_or_default();
    let not_found = || StoreError::NotFound(format!("rule {named}"));
    let id: i64 = named.parse().map_err(|_| not_found())?;
    let stored = store_rules::get(conn, id)?.filter(|r| r.project_id == project.id).ok_or_else(not_found)?;
    Ok((project.id, stored))
}

fn with_last(conn: &rusqlite::Connection, rules: Vec<StoredRule>) -> Result<Vec<Value>, StoreError> {
    let base = public_url(conn)?;
    let ids: Vec<i64> = rules.iter().map(|r| r.id).collect();
    let last: HashMap<i64, LoggedFiring> = outbox::last_firings(conn, &ids)?.into_iter().collect();
    Ok(rules.iter().map(|r| rule_json(r, last.get(&r.id), &base)).collect())
}

async fn list(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let rules = state
        .store
        .read(move |conn| {
            let (_, project) = project_of(conn, &path)?;
            with_last(conn, store_rules::list(conn, Some(project.id))?)
        })
        .await?;
    Ok(json_response(Value::Array(rules), vec![]))
}

async fn one(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let rule = state
        .store
        .read(move |conn| {
            let (_, stored) = rule_of(conn, &path)?;
            Ok(with_last(conn, vec![stored])?.pop().unwrap_or_default())
        })
        .await?;
    Ok(json_response(rule, vec![]))
}

/// Rule `id` as the API shows it, read after a write.
async fn rule_answer(state: &AppState, id: i64) -> Result<Value, ApiError> {
    Ok(state
        .store
        .read(move |conn| {
            let stored = store_rules::get(conn, id)?.ok_or_else(|| StoreError::NotFound(format!("rule {id}")))?;
            Ok(with_last(conn, vec![stored])?.pop().unwrap_or_default())
        })
        .await?)
}

/// The body as a rule, with its secrets completed from `stored` and checked.
fn body_rule(state: &AppState, body: &[u8], stored: Option<&RuleWithSecrets>) -> Result<RuleWithSecrets, ApiError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|err| ApiError::bad_request(format!("Invalid request body: {err}")))?;
    let mut rule = parse::rule(&value).map_err(bad)?;
    parse::require_secrets(&mut rule, stored).map_err(bad)?;
    if !state.alerts.has_smtp() && rule.rule.actions.iter().any(|a| matches!(a, Action::Email { .. })) {
        return Err(ApiError::bad_request(
            "an email action needs an SMTP server: set [alerts.smtp] in sift's config.toml and restart sift",
        ));
    }
    Ok(rule)
}

async fn create(State(state): State<Arc<AppState>>, path: PathArgs, body: Bytes) -> Result<Response, ApiError> {
    let rule = body_rule(&state, &body, None)?;
    let project_path = path.clone();
    let (project_id, _) =
        state.store.read(move |conn| project_of(conn, &project_path).map(|(_, p)| (p.id, ()))).await?;
    let now = crate::store::now();
    let id = state.store.writer().call(move |tx| store_rules::insert(tx, project_id, Origin::Api, &rule, now)).await?;
    let value = rule_answer(&state, id).await?;
    let mut response = json_response(value, vec![]);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

fn editable(stored: &StoredRule) -> Result<(), ApiError> {
    if stored.origin == Origin::Config {
        return Err(ApiError::bad_request(format!(
            "rule {} ({:?}) is defined in config.toml: change it there and restart sift",
            stored.id, stored.rule.rule.name
        )));
    }
    Ok(())
}

async fn update(State(state): State<Arc<AppState>>, path: PathArgs, body: Bytes) -> Result<Response, ApiError> {
    let (_, stored) = state.store.read(move |conn| rule_of(conn, &path)).await?;
    editable(&stored)?;
    let rule = body_rule(&state, &body, Some(&stored.rule))?;
    let (id, now) = (stored.id, crate::store::now());
    state.store.writer().call(move |tx| store_rules::update(tx, id, &rule, now)).await?;
    let value = rule_answer(&state, id).await?;
    Ok(json_response(value, vec![]))
}

async fn delete(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let (_, stored) = state.store.read(move |conn| rule_of(conn, &path)).await?;
    editable(&stored)?;
    let id = stored.id;
    state.store.writer().call(move |tx| store_rules::delete(tx, id)).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

async fn test(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let (project_id, stored) = state.store.read(move |conn| rule_of(conn, &path)).await?;
    let now = crate::store::now();
    let (rule_id, rule) = (stored.id, stored.rule.rule);
    let firing_id = state
        .store
        .writer()
        .call(move |tx| crate::store::alerts::fire::record_test(tx, rule_id, &rule, project_id, now))
        .await?;
    crate::alerts::wake();
    let value = state
        .store
        .read(move |conn| {
            let logged = outbox::firing(conn, firing_id)?.ok_or_else(|| StoreError::NotFound("firing".into()))?;
            Ok(firing_json(&logged, &public_url(conn)?))
        })
        .await?;
    let mut response = json_response(value, vec![]);
    *response.status_mut() = StatusCode::ACCEPTED;
    Ok(response)
}

async fn firings(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let number = |key: &str| -> Result<Option<i64>, ApiError> {
        query
            .get(key)
            .filter(|v| !v.is_empty())
            .map(|v| v.parse::<i64>().map_err(|_| ApiError::bad_request(format!("{key} must be a number, got {v:?}"))))
            .transpose()
    };
    let (after, rule_id) = (number("after")?, number("rule")?);
    let limit = number("limit")?.unwrap_or(50).clamp(1, 1_000) as usize;
    let project = query.get("project").filter(|p| !p.is_empty()).cloned();
    let items = state
        .store
        .read(move |conn| {
            let org = org_of(conn, &path)?.ok_or_else(|| StoreError::NotFound("organization".into()))?;
            let projects = match &project {
                Some(name) => vec![
                    cat::find_project(conn, org.id, name)?
                        .ok_or_else(|| StoreError::NotFound(format!("project {name}")))?
                        .id,
                ],
                None => cat::projects(conn, Some(org.id))?.into_iter().map(|p| p.id).collect(),
            };
            if projects.is_empty() {
                return Ok(Vec::new());
            }
            let base = public_url(conn)?;
            let found = outbox::log(conn, &LogQuery { projects, rule_id, after, limit })?;
            Ok(found.iter().map(|f| firing_json(f, &base)).collect())
        })
        .await?;
    Ok(json_response(Value::Array(items), vec![]))
}

async fn outbox_summary(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let summary = state
        .store
        .read(move |conn| {
            org_of(conn, &path)?;
            outbox::summary(conn)
        })
        .await?;
    Ok(json_response(
        json!({
            "pending": summary.queued,
            "retrying": summary.retrying,
            "sent": summary.sent,
            "failed": summary.failed,
            "dropped": summary.dropped,
            "limit": summary.limit,
        }),
        vec![],
    ))
}
