//! User feedback over the Web API, as Sentry serves it:
//! - the feedback category of the issue stream (`…/issues/?query=issue.category:feedback`),
//!   each record shaped as a feedback issue (`issueCategory: "feedback"`, `metadata` with
//!   `message`, `name`, `contact_email`, `url`, `source`, `associated_event_id`);
//! - the legacy user reports: `GET|POST /api/0/projects/{org}/{project}/user-feedback/` (and
//!   its alias `user-reports/`), and one issue's, `GET …/issues/{id}/user-reports/`.
//!
//! Both user-report lists carry every record, new feedback and legacy reports alike, with
//! sift's extra fields `url`, `kind`, `tags` and `contexts` beside Sentry's. A feedback record
//! has no triage state: it is in the `unresolved` mailbox, and the resolved and ignored ones
//! are empty.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rusqlite::Connection;
use serde_json::{Value, json};

use super::issue_json::iso;
use super::params::{Params, paged};
use super::{PathArgs, issue_of, org_named};
use crate::search::{self, Field, IssueStatus, Predicate, TextField};
use crate::server::{ApiError, AppState};
use crate::store::catalog::{self as cat, Project};
use crate::store::feedback::{self as store_feedback, FeedbackFilter, FeedbackRecord};
use crate::store::issues::{self as store_issues, Viewer};
use crate::store::{StoreError, WriteJob};

/// Feedback routes, added to the Web API's table.
pub fn routes(api: axum::Router<Arc<AppState>>) -> axum::Router<Arc<AppState>> {
    let mut api = api;
    for name in ["user-feedback", "user-reports"] {
        let route = axum::routing::get(project_reports).post(submit_report);
        api = super::both(api, &format!("/api/0/projects/{{org}}/{{project}}/{name}/"), route);
    }
    for prefix in ["/api/0/organizations/{org}/issues/{issue}", "/api/0/issues/{issue}", "/api/0/groups/{issue}"] {
        api = super::both(api, &format!("{prefix}/user-reports/"), axum::routing::get(issue_reports));
    }
    api
}

/// Whether an issue-stream query asks for the feedback category (`issue.category:feedback`
/// or `issue.type:feedback`).
pub fn is_feedback_query(query: &str) -> bool {
    search::parse(query).is_ok_and(|parsed| {
        parsed.predicates(chrono::Utc::now()).iter().any(|p| {
            matches!(p, Predicate::Field { field: Field::IssueCategory | Field::IssueType, pattern, negated: false }
                if pattern.matches("feedback"))
        })
    })
}

fn report_json(record: &FeedbackRecord, issue: Option<Value>) -> Value {
    let event_id = record.associated_event_id.clone().unwrap_or_else(|| record.feedback_id.clone());
    let data = &record.data;
    let user = data.get("user").cloned().filter(|u| u.is_object()).unwrap_or(Value::Null);
    let mut value = json!({
        "id": record.id.to_string(),
        "eventID": event_id,
        "name": record.name,
        "email": record.email,
        "comments": record.message,
        "dateCreated": iso(record.received),
        "user": user,
        "event": {"id": event_id, "eventID": event_id},
        "url": record.url,
        "kind": record.kind,
        "environment": record.environment,
        "tags": data.get("tags").cloned().unwrap_or(Value::Array(Vec::new())),
        "contexts": data.get("contexts").cloned().unwrap_or(Value::Object(Default::default())),
    });
    if let (Some(object), Some(issue)) = (value.as_object_mut(), issue) {
        object.insert("issue".into(), issue);
    }
    value
}

/// The short form of the issue a record is linked to.
fn linked_issue(conn: &Connection, record: &FeedbackRecord) -> Result<Value, StoreError> {
    let Some(group) = record.group_id else { return Ok(Value::Null) };
    Ok(match store_issues::issue_for(conn, group, Viewer::local())? {
        Some(issue) => json!({
            "id": issue.id.to_string(),
            "shortId": issue.short_id,
            "title": issue.title,
            "culprit": issue.culprit,
            "status": issue.status,
            "level": issue.level,
        }),
        None => Value::Null,
    })
}

/// `GET /api/0/projects/{org}/{project}/user-feedback/`: the project's feedback, newest first.
pub async fn project_reports(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    let page = params.page(100, 100)?;
    let environments = params.all("environment");
    let (items, total) = state
        .store
        .read(move |conn| {
            let project = super::catalog::project_of(conn, &path)?.1;
            let filter = FeedbackFilter { projects: vec![project.id], environments, ..FeedbackFilter::default() };
            let (records, total) = store_feedback::list(conn, &filter, page.limit, page.offset)?;
            let mut items = Vec::with_capacity(records.len());
            for record in &records {
                items.push(report_json(record, Some(linked_issue(conn, record)?)));
            }
            Ok((items, total))
        })
        .await?;
    Ok(paged(&uri, &headers, items, page, total))
}

/// `GET …/issues/{id}/user-reports/`: the feedback linked to one issue, newest first.
pub async fn issue_reports(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    let page = params.page(100, 100)?;
    let environments = params.all("environment");
    let (items, total) = state
        .store
        .read(move |conn| {
            let (_, issue) = issue_of(conn, &path, Viewer::local())?;
            let filter = FeedbackFilter { group_id: Some(issue.id), environments, ..FeedbackFilter::default() };
            let (records, total) = store_feedback::list(conn, &filter, page.limit, page.offset)?;
            Ok((records.iter().map(|r| report_json(r, None)).collect::<Vec<_>>(), total))
        })
        .await?;
    Ok(paged(&uri, &headers, items, page, total))
}

/// `POST /api/0/projects/{org}/{project}/user-feedback/`: a legacy report, `{event_id, name,
/// email, comments}`, scrubbed as the project's events are.
pub async fn submit_report(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (project, scrub) = state
        .store
        .read(move |conn| {
            let project = super::catalog::project_of(conn, &path)?.1;
            let scrub = crate::store::projects::find_project(conn, project.id)?.is_none_or(|p| p.scrub_data);
            Ok((project, scrub))
        })
        .await?;
    let now = crate::store::now();
    let request = crate::ingest::Request {
        project_id: project.id,
        received: now,
        client_ip: None,
        scrub,
        performance: Default::default(),
    };
    let report = crate::ingest::feedback::from_user_report(&body, &request, now, &state.limits)?;
    let feedback_id = report.feedback_id.clone();
    state.store.writer().write(WriteJob { feedback: vec![report], ..WriteJob::default() }).await?;
    let value = state
        .store
        .read(move |conn| {
            let filter = FeedbackFilter { projects: vec![project.id], ..FeedbackFilter::default() };
            let (records, _) = store_feedback::list(conn, &filter, 100, 0)?;
            let record = records
                .into_iter()
                .find(|r| r.kind == "user_report" && r.feedback_id == feedback_id)
                .ok_or_else(|| StoreError::NotFound("user report".into()))?;
            let issue = linked_issue(conn, &record)?;
            Ok(report_json(&record, Some(issue)))
        })
        .await?;
    Ok((StatusCode::OK, axum::Json(value)).into_response())
}

/// The feedback category of the issue stream: records shaped as Sentry's feedback issues.
pub async fn stream(
    state: Arc<AppState>,
    path: HashMap<String, String>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = Params::from_uri(&uri);
    let page = params.page(100, 100)?;
    let query = params.get("query").unwrap_or_default().to_string();
    let parsed = search::parse(&query).map_err(|err| ApiError::bad_request(err.to_string()))?;
    let predicates = parsed.predicates(chrono::Utc::now());
    // Feedback has no triage state: only the unresolved mailbox has anything in it.
    let empty_mailbox = predicates.iter().any(|p| {
        matches!(
            p,
            Predicate::Status { status: IssueStatus::Resolved | IssueStatus::Ignored, negated: false }
                | Predicate::Status { status: IssueStatus::Unresolved, negated: true }
        )
    });
    let text: Vec<String> = predicates
        .iter()
        .filter_map(|p| match p {
            Predicate::Text { field: TextField::Message, pattern, negated: false } => Some(pattern_text(pattern)),
            _ => None,
        })
        .collect();
    let environments = params.all("environment");
    let wanted_projects = params.all("project");
    let (items, total) = state
        .store
        .read(move |conn| {
            let org = org_named(conn, &path)?;
            let mut projects = Vec::new();
            if path.contains_key("project") {
                projects.push(super::catalog::project_of(conn, &path)?.1.id);
            }
            for name in wanted_projects.iter().filter(|p| *p != "-1") {
                let project = cat::find_project(conn, org.id, name)?
                    .ok_or_else(|| StoreError::Invalid(format!("Invalid project {name:?}: no such project")))?;
                projects.push(project.id);
            }
            let all = cat::projects(conn, Some(org.id))?;
            if projects.is_empty() {
                projects = all.iter().map(|p| p.id).collect();
            }
            if empty_mailbox || projects.is_empty() {
                return Ok((Vec::new(), 0));
            }
            let filter = FeedbackFilter {
                projects,
                environments,
                text: Some(text.join(" ")).filter(|t| !t.is_empty()),
                ..FeedbackFilter::default()
            };
            let (records, total) = store_feedback::list(conn, &filter, page.limit, page.offset)?;
            let base = crate::store::projects::public_url(conn)?;
            let items = records
                .iter()
                .map(|r| feedback_issue_json(r, all.iter().find(|p| p.id == r.project_id), &org.slug, &base))
                .collect();
            Ok((items, total))
        })
        .await?;
    Ok(paged(&uri, &headers, items, page, total))
}

/// The words of a free-text search term (`*crash*` is `crash`).
fn pattern_text(pattern: &search::Pattern) -> String {
    match pattern {
        search::Pattern::Exact(text) | search::Pattern::Wildcard(text) => text.trim_matches('*').to_string(),
        search::Pattern::AnyOf(all) => all.first().map(pattern_text).unwrap_or_default(),
    }
}

/// A record as Sentry's feedback issue (`FeedbackIssueListItem`).
fn feedback_issue_json(record: &FeedbackRecord, project: Option<&Project>, org: &str, base: &str) -> Value {
    let data = &record.data;
    let source = data.pointer("/contexts/feedback/source").cloned().unwrap_or(Value::Null);
    let id = format!("feedback-{}", record.id);
    json!({
        "id": id,
        "shortId": format!("FEEDBACK-{}", record.id),
        "title": "User Feedback",
        "culprit": record.url.clone().unwrap_or_else(|| "user".into()),
        "permalink": format!("{}/organizations/{org}/feedback/?feedbackSlug={id}", base.trim_end_matches('/')),
        "level": "info",
        "status": "unresolved",
        "substatus": "new",
        "statusDetails": {},
        "issueCategory": "feedback",
        "issueType": "feedback",
        "type": "generic",
        "platform": data.get("platform").cloned().unwrap_or(Value::Null),
        "logger": null,
        "metadata": {
            "title": "User Feedback",
            "value": record.message,
            "message": record.message,
            "name": record.name,
            "contact_email": record.email,
            "url": record.url,
            "source": source,
            "associated_event_id": record.associated_event_id,
            "sdk": data.get("sdk").cloned().unwrap_or(Value::Null),
        },
        "project": project.map(|p| json!({"id": p.id.to_string(), "slug": p.slug, "name": p.name, "platform": p.platform})),
        "count": "1",
        "userCount": 1,
        "firstSeen": iso(record.received),
        "lastSeen": iso(record.received),
        "numComments": 0,
        "assignedTo": null,
        "isBookmarked": false,
        "isSubscribed": false,
        "subscriptionDetails": null,
        "hasSeen": false,
        "isPublic": false,
        "shareId": null,
        "isUnhandled": false,
        "annotations": [],
        "priority": "medium",
        "stats": {},
    })
}
