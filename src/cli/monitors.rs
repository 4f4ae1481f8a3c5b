//! `sift monitors list [--json]`: every cron monitor with its schedule, health, last and next
//! check-in, its recent results (newest first) and the issue its failures opened, read through
//! the Web API like every scripting command.

use anyhow::Result;
use serde::Serialize;

use super::output::{Out, ago, truncate};
use crate::api::Client;
use crate::api::models::{CheckIn, Monitor};
use crate::text::{fit, one_line};

/// Check-ins read per monitor for its recent results.
const RECENT: usize = 10;

#[derive(Debug, clap::Subcommand)]
pub enum MonitorsCommand {
    /// Print each monitor's schedule, health, last and next check-in and recent results
    #[command(after_help = super::docs::MONITORS_LIST_EXAMPLES)]
    List {
        /// Print JSON: [{"slug","project","schedule","timezone","status","lastCheckIn","nextCheckIn","recent":[...],"issue"}]
        #[arg(long)]
        json: bool,
    },
}

/// One monitor as `--json` prints it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    slug: String,
    project: Option<String>,
    schedule: String,
    timezone: Option<String>,
    status: String,
    last_check_in: Option<String>,
    next_check_in: Option<String>,
    /// Statuses of the latest check-ins, newest first.
    recent: Vec<String>,
    /// Short id of the issue the latest failure opened.
    issue: Option<String>,
}

fn row(monitor: &Monitor, check_ins: &[CheckIn]) -> Row {
    let environment = monitor.environment();
    let iso =
        |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    Row {
        slug: monitor.slug.clone(),
        project: monitor.project.as_ref().map(|p| p.slug.clone()),
        schedule: monitor.config.schedule_text(),
        timezone: monitor.config.timezone.clone(),
        status: environment.map_or_else(|| monitor.status.clone(), |e| e.status.clone()),
        last_check_in: iso(environment.and_then(|e| e.last_check_in)),
        next_check_in: iso(environment.and_then(|e| e.next_check_in)),
        recent: check_ins.iter().map(|c| c.status.clone()).collect(),
        issue: check_ins.iter().flat_map(|c| c.groups.first()).next().map(|g| g.short_id.clone()),
    }
}

pub async fn run(client: &Client, command: MonitorsCommand, out: Out) -> Result<Option<u8>> {
    let MonitorsCommand::List { json } = command;
    let mut rows = Vec::new();
    for monitor in client.monitors().await? {
        let check_ins = client.check_ins(&monitor.slug, RECENT).await?;
        rows.push(row(&monitor, &check_ins));
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(None);
    }
    if rows.is_empty() {
        println!("No monitors yet: a check-in with a schedule creates one (sentry-cli monitors run --schedule ...).");
        return Ok(None);
    }
    let now = crate::clock::now();
    println!("{}", table_header());
    for row in &rows {
        let line = format!(
            "{} {} {} {} {} {}",
            fit(&one_line(&row.slug), 24),
            fit(&one_line(&row.schedule), 16),
            fit(&row.status, 14),
            fit(&last(row, now), 10),
            fit(&row.recent.iter().map(|s| glyph(s)).collect::<String>(), RECENT),
            row.issue.as_deref().map(one_line).unwrap_or_else(|| "-".into()),
        );
        println!("{}", out.width.map_or(line.clone(), |w| truncate(&line, w)));
    }
    Ok(None)
}

fn table_header() -> String {
    format!(
        "{} {} {} {} {} ISSUE",
        fit("MONITOR", 24),
        fit("SCHEDULE", 16),
        fit("STATUS", 14),
        fit("LAST", 10),
        fit("RECENT", RECENT)
    )
}

fn last(row: &Row, now: chrono::DateTime<chrono::Utc>) -> String {
    let at = row.last_check_in.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    at.map_or("-".into(), |t| format!("{} ago", ago(Some(t.with_timezone(&chrono::Utc)), now)))
}

/// A status as one character, newest first: `●` ok, `✕` error, `○` missed, `◷` timeout, `…`
/// running.
fn glyph(status: &str) -> char {
    match status {
        "ok" => '●',
        "error" => '✕',
        "missed" => '○',
        "timeout" => '◷',
        "in_progress" => '…',
        _ => '?',
    }
}
