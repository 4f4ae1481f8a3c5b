//! Cron monitors over the Web API, in Sentry's shapes: `GET /api/0/organizations/{org}/
//! monitors/` (the list `sentry-cli monitors list` reads: `id`, `slug`, `name`, `status`),
//! one monitor (`…/monitors/{slug}/`, also under `/api/0/projects/{org}/{project}/`), and its
//! check-ins (`…/monitors/{slug}/checkins/`), newest first, with durations in milliseconds
//! and the issue each failure opened under `groups`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use rusqlite::Connection;
use serde_json::{Value, json};

use super::issue_json::iso;
use super::params::{Params, paged};
use super::{PathArgs, json_response, org_named};
use crate::monitors::Schedule;
use crate::server::{ApiError, AppState};
use crate::store::StoreError;
use crate::store::catalog::{self as cat, Project};
use crate::store::issues::{self as store_issues, Viewer};
use crate::store::monitors::{self as store_monitors, CheckInRecord, MonitorRecord};

/// Monitor routes, added to the Web API's table.
pub fn routes(api: axum::Router<Arc<AppState>>) -> axum::Router<Arc<AppState>> {
    let mut api = super::both(api, "/api/0/organizations/{org}/monitors/", axum::routing::get(list));
    for prefix in
        ["/api/0/organizations/{org}/monitors/{monitor}", "/api/0/projects/{org}/{project}/monitors/{monitor}"]
    {
        api = super::both(api, &format!("{prefix}/"), axum::routing::get(one));
        api = super::both(api, &format!("{prefix}/checkins/"), axum::routing::get(check_ins));
    }
    api
}

fn config_json(monitor: &MonitorRecord) -> Value {
    let config = &monitor.config;
    let (kind, schedule) = match &config.schedule {
        Schedule::Crontab { value } => ("crontab", json!(value)),
        Schedule::Interval { value, unit } => ("interval", json!([value, unit.as_str()])),
    };
    json!({
        "schedule_type": kind,
        "schedule": schedule,
        "checkin_margin": config.checkin_margin,
        "max_runtime": config.max_runtime,
        "timezone": config.timezone,
        "failure_issue_threshold": config.failure_issue_threshold,
        "recovery_threshold": config.recovery_threshold,
        "alert_rule_id": null,
    })
}

fn issue_ref(conn: &Connection, group: Option<i64>) -> Result<Option<Value>, StoreError> {
    let Some(group) = group else { return Ok(None) };
    Ok(store_issues::issue_for(conn, group, Viewer::local())?
        .map(|issue| json!({"id": issue.id.to_string(), "shortId": issue.short_id, "status": issue.status})))
}

fn monitor_json(conn: &Connection, monitor: &MonitorRecord, project: Option<&Project>) -> Result<Value, StoreError> {
    let margin = f64::from(monitor.config.checkin_margin) * 60.0;
    let environment = json!({
        "name": monitor.environment.clone().unwrap_or_else(|| "production".into()),
        "status": monitor.health,
        "isMuted": false,
        "dateCreated": iso(monitor.date_created),
        "lastCheckIn": monitor.last_checkin.map(iso),
        "nextCheckIn": monitor.next_expected.map(iso),
        "nextCheckInLatest": monitor.next_expected.map(|t| iso(t + margin)),
        "activeIncident": null,
    });
    Ok(json!({
        "id": monitor.id.to_string(),
        "slug": monitor.slug,
        "name": monitor.slug,
        "status": "active",
        "type": "cron_job",
        "isMuted": false,
        "isUpserting": true,
        "dateCreated": iso(monitor.date_created),
        "project": project.map(|p| json!({"id": p.id.to_string(), "slug": p.slug, "name": p.name, "platform": p.platform})),
        "config": config_json(monitor),
        "environments": [environment],
        "owner": null,
        "alertRule": null,
        "issue": issue_ref(conn, monitor.group_id)?,
    }))
}

/// A check-in id as Sentry shows it: a UUID with dashes.
fn check_in_id(guid: &str) -> String {
    match uuid::Uuid::try_parse(guid) {
        Ok(id) => id.hyphenated().to_string(),
        Err(_) => uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, guid.as_bytes()).hyphenated().to_string(),
    }
}

fn check_in_json(conn: &Connection, check_in: &CheckInRecord, monitor: &MonitorRecord) -> Result<Value, StoreError> {
    Ok(json!({
        "id": check_in_id(&check_in.guid),
        "environment": check_in.environment.clone().unwrap_or_else(|| "production".into()),
        "status": check_in.status.as_str(),
        "duration": check_in.duration.map(|secs| (secs * 1000.0).round() as i64),
        "dateCreated": iso(check_in.date_created),
        "dateAdded": iso(check_in.date_created),
        "dateUpdated": iso(check_in.date_updated),
        "expectedTime": check_in.expected_time.map(iso),
        "monitorConfig": config_json(monitor),
        "attachmentId": null,
        "groups": issue_ref(conn, check_in.group_id)?.into_iter().collect::<Vec<_>>(),
    }))
}

/// The organization's projects, and those the request is about (a path project, or
/// `project=` parameters).
fn scope(
    conn: &Connection,
    path: &HashMap<String, String>,
    params: &Params,
) -> Result<(Vec<Project>, Vec<i64>), StoreError> {
    let org = org_named(conn, path)?;
    let all = cat::projects(conn, Some(org.id))?;
    let mut wanted = Vec::new();
    if let Some(name) = path.get("project") {
        let project =
            cat::find_project(conn, org.id, name)?.ok_or_else(|| StoreError::NotFound(format!("project {name}")))?;
        wanted.push(project.id);
    }
    for name in params.all("project").iter().filter(|p| *p != "-1") {
        let project = cat::find_project(conn, org.id, name)?
            .ok_or_else(|| StoreError::Invalid(format!("Invalid project {name:?}: no such project")))?;
        wanted.push(project.id);
    }
    if wanted.is_empty() {
        wanted = all.iter().map(|p| p.id).collect();
    }
    Ok((all, wanted))
}

/// `GET /api/0/organizations/{org}/monitors/`.
pub async fn list(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    let page = params.page(100, 100)?;
    let (items, total) = state
        .store
        .read(move |conn| {
            let (all, wanted) = scope(conn, &path, &params)?;
            if wanted.is_empty() {
                return Ok((Vec::new(), 0));
            }
            let monitors = store_monitors::list(conn, &wanted)?;
            let total = monitors.len();
            let mut items = Vec::new();
            for monitor in monitors.iter().skip(page.offset).take(page.limit) {
                items.push(monitor_json(conn, monitor, all.iter().find(|p| p.id == monitor.project_id))?);
            }
            Ok((items, total))
        })
        .await?;
    Ok(paged(&uri, &headers, items, page, total as u64))
}

fn find(conn: &Connection, path: &HashMap<String, String>) -> Result<(MonitorRecord, Vec<Project>), StoreError> {
    let (all, wanted) = scope(conn, path, &Params::default())?;
    let name = path.get("monitor").cloned().unwrap_or_default();
    let monitor =
        store_monitors::find(conn, &wanted, &name)?.ok_or_else(|| StoreError::NotFound(format!("monitor {name}")))?;
    Ok((monitor, all))
}

/// `GET …/monitors/{slug}/`.
pub async fn one(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let value = state
        .store
        .read(move |conn| {
            let (monitor, all) = find(conn, &path)?;
            monitor_json(conn, &monitor, all.iter().find(|p| p.id == monitor.project_id))
        })
        .await?;
    Ok(json_response(value, vec![]))
}

/// `GET …/monitors/{slug}/checkins/`, newest first.
pub async fn check_ins(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    let page = params.page(100, 100)?;
    let (items, total) = state
        .store
        .read(move |conn| {
            let (monitor, _) = find(conn, &path)?;
            let (records, total) = store_monitors::check_ins(conn, monitor.id, page.limit, page.offset)?;
            let mut items = Vec::with_capacity(records.len());
            for record in &records {
                items.push(check_in_json(conn, record, &monitor)?);
            }
            Ok((items, total))
        })
        .await?;
    Ok(paged(&uri, &headers, items, page, total))
}
