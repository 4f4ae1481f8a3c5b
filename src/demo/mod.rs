//! The demo data set: three projects (a Python backend, a Node API and a Rust worker) with 42
//! issues and about 4,900 events over fourteen days, made from events the real SDKs sent
//! (`assets/demo/*.json`, taken from the wire recordings in `tests/fixtures/sdk`). Each issue
//! gets its own error, crashing frame and source line, and its events their own time, user,
//! environment and release, shifted so the newest are minutes old.
//!
//! Everything goes through the real ingest path: envelopes over HTTP to the server's DSNs. The
//! story (resolved issues that come back, archived ones that escalate, assignments, priorities,
//! comments) is told through the Web API between two rounds of events: what happened up to 30
//! hours ago, then the triage, then the last 30 hours. The server records all of it as it
//! arrives, in a minute; `history` then dates each activity entry as the story has it. Event
//! ids are derived from the issue and the event's number, and the store records that the demo
//! was loaded, so loading twice adds nothing.

mod data;
mod events;
mod history;

use std::time::Duration;

use anyhow::{Context, Result};
use rusqlite::Connection;
use serde_json::{Value, json};

use crate::api::{AssignTarget, Client, ClientConfig, IssueListParams, IssueUpdate, Priority};
use crate::store::projects;
use data::{
    Archive, ArchiveUntilEscalating, AssignToMe, Comeback, High, Leave, Low, PROJECTS, Resolve, Spec, TRIAGE_HOURS,
};

/// The store's record that the demo was loaded (its value: when, unix seconds).
pub const META_DEMO: &str = "demo_loaded";

/// What a load did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    pub projects: usize,
    pub issues: usize,
    pub events: usize,
}

/// Sends one event to `project_id` through the ingest endpoint, as an SDK would.
async fn send(http: &reqwest::Client, base: &str, project_id: i64, key: &str, event: &Value) -> Result<()> {
    let payload = serde_json::to_vec(event)?;
    let header = json!({ "event_id": event["event_id"] });
    let item = json!({ "type": "event", "length": payload.len() });
    let mut body = format!("{header}\n{item}\n").into_bytes();
    body.extend_from_slice(&payload);
    let client = event["sdk"]["name"].as_str().unwrap_or("sift.demo");
    let auth = format!("Sentry sentry_key={key}, sentry_version=7, sentry_client={client}");
    let response = http
        .post(format!("{base}/api/{project_id}/envelope/"))
        .header("X-Sentry-Auth", auth)
        .header("Content-Type", "application/x-sentry-envelope")
        .body(body)
        .send()
        .await
        .context("sending a demo event")?;
    anyhow::ensure!(response.status().is_success(), "the server refused a demo event: {}", response.status());
    Ok(())
}

/// Sends `events` (project id, key, event) eight at a time.
async fn send_all(http: &reqwest::Client, base: &str, events: Vec<(i64, String, Value)>) -> Result<()> {
    use futures_util::StreamExt;
    let results: Vec<Result<()>> = futures_util::stream::iter(events)
        .map(|(project, key, event)| async move { send(http, base, project, &key, &event).await })
        .buffer_unordered(8)
        .collect()
        .await;
    results.into_iter().collect()
}

/// Whether this store already has the demo.
pub fn loaded(conn: &Connection) -> Result<bool> {
    Ok(projects::meta(conn, META_DEMO)?.is_some())
}

/// Loads the demo into the store behind `base` (the server's URL), unless it is there already.
/// `conn` is an admin connection to the same store (for projects and keys).
pub async fn load(conn: &mut Connection, base: &str) -> Result<Loaded> {
    if loaded(conn)? {
        return Ok(Loaded::default());
    }
    let token = projects::api_token(conn)?.context("the database has no Web API token")?;
    let now = crate::store::now();
    // One event of each issue goes first, one at a time, so issues get their ids and short ids
    // in the same order on every load; the rest go eight at a time.
    let mut firsts = Vec::new();
    let mut before = Vec::new();
    let mut after = Vec::new();
    let mut plan = Vec::new();
    // Each planned issue's event times, before the triage and after it.
    let mut times: Vec<(Vec<f64>, Vec<f64>)> = Vec::new();
    for project in &PROJECTS {
        let existing = projects::list_projects(conn)?.into_iter().find(|p| p.slug == project.slug);
        let info = match existing {
            Some(info) => info,
            None => projects::create_project(conn, project.slug, Some(project.platform))?,
        };
        let templates: Vec<Value> =
            serde_json::from_str::<Vec<Value>>(project.templates)?.into_iter().map(|t| t["event"].clone()).collect();
        for (index, spec) in project.issues.iter().enumerate() {
            let template = templates.get(spec.template).context("a demo issue names a missing template")?;
            let (mut earlier, mut later) = (Vec::new(), Vec::new());
            for n in 0..spec.events {
                let at = now - events::age(spec.shape, n, spec.events, (index as u64) << 32 | u64::from(n));
                let event = events::event(project, template, spec, index, n, at);
                let pre_triage = now - at > TRIAGE_HOURS * 3600.0;
                let round = match (pre_triage, n) {
                    (true, 0) => &mut firsts,
                    (true, _) => &mut before,
                    (false, _) => &mut after,
                };
                round.push((info.id, info.public_key.clone(), event));
                if pre_triage { earlier.push(at) } else { later.push(at) }
            }
            earlier.sort_by(f64::total_cmp);
            later.sort_by(f64::total_cmp);
            times.push((earlier, later));
            plan.push((info.id, spec));
        }
    }
    let sent = firsts.len() + before.len() + after.len();
    let http = crate::api::http_client().timeout(Duration::from_secs(30)).build()?;
    let mark = |conn: &Connection| crate::store::notes::newest_activity_id(conn);
    let mut marks = history::Marks { start: mark(conn)?, ..history::Marks::default() };
    for (project, key, event) in &firsts {
        send(&http, base, *project, key, event).await?;
    }
    send_all(&http, base, before).await?;
    let client = Client::new(ClientConfig::new(base, projects::LOCAL_ORG, &token))?;
    let ids = issue_ids(&client, &plan).await?;
    marks.triage = mark(conn)?;
    triage(&client, &plan, &ids).await?;
    marks.last_round = mark(conn)?;
    send_all(&http, base, after).await?;
    marks.comments = mark(conn)?;
    comments(&client, &plan, &ids).await?;
    marks.end = mark(conn)?;
    let told: Vec<history::Told> = ids
        .iter()
        .zip(times)
        .enumerate()
        .filter_map(|(seed, (id, (before, after)))| {
            Some(history::Told { group_id: id.parse().ok()?, seed: seed as u64, before, after })
        })
        .collect();
    history::date(conn, &told, marks, now - TRIAGE_HOURS * 3600.0)?;
    projects::set_meta(conn, META_DEMO, &now.to_string())?;
    Ok(Loaded { projects: PROJECTS.len(), issues: plan.len(), events: sent })
}

/// The issue id of each planned spec, found by title in its project (one listing per project).
async fn issue_ids(client: &Client, plan: &[(i64, &Spec)]) -> Result<Vec<String>> {
    let mut listed: std::collections::HashMap<i64, Vec<crate::api::Issue>> = std::collections::HashMap::new();
    let mut ids = Vec::with_capacity(plan.len());
    for (project, spec) in plan {
        if !listed.contains_key(project) {
            let params = IssueListParams {
                query: Some(String::new()),
                projects: vec![*project],
                limit: Some(100),
                ..IssueListParams::default()
            };
            listed.insert(*project, client.list_issues(&params).await?.items);
        }
        let title = spec.title();
        let id = listed[project].iter().find(|i| i.title == title).map(|i| i.id.clone());
        ids.push(id.with_context(|| format!("the demo issue {title:?} did not arrive"))?);
    }
    Ok(ids)
}

/// The triage round between the two rounds of events.
async fn triage(client: &Client, plan: &[(i64, &Spec)], ids: &[String]) -> Result<()> {
    for ((_, spec), id) in plan.iter().zip(ids) {
        let update = match (spec.shape, spec.triage) {
            (Comeback, _) | (_, Resolve) => IssueUpdate::resolve(),
            (_, Archive) => IssueUpdate::archive_forever(),
            (_, ArchiveUntilEscalating) => IssueUpdate::archive_until_escalating(),
            (_, AssignToMe) => IssueUpdate::assign(AssignTarget::User("1".into())),
            (_, High) => IssueUpdate::set_priority(Priority::High),
            (_, Low) => IssueUpdate::set_priority(Priority::Low),
            // Fewer people hit it: the team lowered it from the default.
            (_, Leave) if spec.users < 30 => IssueUpdate::set_priority(Priority::Medium),
            (_, Leave) => continue,
        };
        client.update_issue(id, &update).await?;
    }
    Ok(())
}

/// A few comments, as a team would leave them.
async fn comments(client: &Client, plan: &[(i64, &Spec)], ids: &[String]) -> Result<()> {
    let notes = [
        "Started after the 2.4.0 deploy; rolling back the basket validation change.",
        "Upstream inventory is slow again, paging their on-call.",
        "Fixed in the last release but it is back: the retry path was missed.",
    ];
    let picked = plan
        .iter()
        .zip(ids)
        .filter(|((_, s), _)| matches!(s.triage, High | AssignToMe) || s.shape == Comeback)
        .map(|(_, id)| id);
    for (id, text) in picked.zip(notes.iter().cycle()).take(6) {
        // A store that had the demo before (its record lost) already has the comment.
        if let Err(err) = client.add_comment(id, text, &[]).await {
            tracing::info!(%err, issue = %id, "demo comment not added");
        }
    }
    Ok(())
}
