//! `sift alerts …`: the Alerts screen as commands. `list` shows each project's rules with their
//! last firing and its delivery state (against any server, a remote Sentry included); `test`
//! sends a rule's test notification and waits until it is delivered or has failed; `log` shows
//! recent firings with each delivery's state and the outbox's counts (sift's server only).

use std::time::Duration;

use anyhow::{Context, Result, bail};
use chrono::Utc;
use clap::Subcommand;

use super::output::{Out, ago, bold, dim};
use crate::api::{AlertFiring, AlertRule, Client, Error, OutboxSummary};
use crate::text::one_line;

#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// List every project's alert rules with their last firing and its delivery state
    List {
        /// Only this project's rules (slug)
        #[arg(long, value_name = "SLUG")]
        project: Option<String>,
        /// Print the rules as the Web API answers them (JSON)
        #[arg(long)]
        json: bool,
    },
    /// Send a rule's test notification and wait until it is delivered or has failed
    Test {
        /// The rule's id (see `sift alerts list`)
        rule: String,
        /// How long to wait for the delivery, in seconds
        #[arg(long, value_name = "SECS", default_value_t = 30)]
        wait: u64,
    },
    /// Recent firings, newest first, with each delivery's state and the outbox's counts
    Log {
        /// Only this project's firings (slug)
        #[arg(long, value_name = "SLUG")]
        project: Option<String>,
        /// How many firings
        #[arg(long, value_name = "N", default_value_t = 20)]
        limit: usize,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

/// Runs one `sift alerts` command; `Some(1)` when a test notification failed.
pub async fn run(client: &Client, command: AlertsCommand, out: Out) -> Result<Option<u8>> {
    match command {
        AlertsCommand::List { project, json } => {
            let rules = rules(client, project.as_deref()).await?;
            if json {
                let raw: Vec<serde_json::Value> = rules.iter().map(|(_, r)| r.raw.clone()).collect();
                println!("{}", serde_json::to_string_pretty(&raw)?);
            } else {
                print!("{}", rule_table(&rules, out));
            }
            Ok(None)
        }
        AlertsCommand::Test { rule, wait } => test(client, &rule, Duration::from_secs(wait), out).await,
        AlertsCommand::Log { project, limit, json } => {
            let firings = client.alert_firings(project.as_deref(), None, limit).await.map_err(sift_only)?;
            let summary = client.alert_outbox().await.map_err(sift_only)?;
            if json {
                let raw = serde_json::json!({
                    "firings": firings.iter().map(firing_json).collect::<Vec<_>>(),
                    "outbox": { "pending": summary.pending, "retrying": summary.retrying, "sent": summary.sent,
                                "failed": summary.failed, "dropped": summary.dropped, "limit": summary.limit },
                });
                println!("{}", serde_json::to_string_pretty(&raw)?);
            } else {
                print!("{}", log_table(&firings, &summary, out));
            }
            Ok(None)
        }
    }
}

fn sift_only(err: Error) -> anyhow::Error {
    match err {
        Error::NotFound { .. } => anyhow::anyhow!(
            "this server keeps no firing log (a remote Sentry): `sift alerts test` and `log` need sift's own server"
        ),
        other => other.into(),
    }
}

/// Every project's rules (or one project's), with the project slug.
async fn rules(client: &Client, project: Option<&str>) -> Result<Vec<(String, AlertRule)>> {
    let slugs: Vec<String> = match project {
        Some(slug) => vec![slug.to_string()],
        None => client.list_projects(None).await?.items.into_iter().map(|p| p.slug).collect(),
    };
    let mut all = Vec::new();
    for slug in slugs {
        for rule in client.list_rules(&slug).await.with_context(|| format!("listing the rules of {slug}"))? {
            all.push((slug.clone(), rule));
        }
    }
    Ok(all)
}

fn firing_state(firing: &AlertFiring) -> String {
    match firing.problem() {
        Some(problem) => format!("{} ({})", firing.state(), one_line(problem)),
        None => firing.state().to_string(),
    }
}

/// The rules as a table: id, project, name, conditions, actions, state and last firing.
pub fn rule_table(rules: &[(String, AlertRule)], out: Out) -> String {
    if rules.is_empty() {
        return "no alert rules\n".into();
    }
    let now = Utc::now();
    let mut text = bold(out, format!("{:<5} {:<12} {:<30} {:<9} LAST FIRING\n", "ID", "PROJECT", "NAME", "STATUS"));
    for (project, rule) in rules {
        let status = if rule.enabled() { "active" } else { "disabled" };
        let last = match &rule.last_firing {
            Some(f) => match ago(f.date_fired, now).as_str() {
                "now" => format!("just now, {}", firing_state(f)),
                since => format!("{since} ago, {}", firing_state(f)),
            },
            None => "never".into(),
        };
        text.push_str(&format!(
            "{:<5} {:<12} {:<30} {:<9} {}\n",
            one_line(&rule.id),
            one_line(project),
            one_line(&rule.name),
            status,
            last
        ));
        let when: Vec<String> = rule.conditions.iter().map(|c| one_line(c.label())).collect();
        let then: Vec<String> = rule.actions.iter().map(|a| one_line(a.label())).collect();
        text.push_str(&dim(out, format!("      when {}\n      then {}\n", when.join(" or "), then.join("; "))));
    }
    text
}

/// The firing log as a table, with the outbox's counts below.
pub fn log_table(firings: &[AlertFiring], summary: &OutboxSummary, out: Out) -> String {
    let now = Utc::now();
    let mut text = String::new();
    if firings.is_empty() {
        text.push_str("no firings yet\n");
    } else {
        text.push_str(&bold(
            out,
            format!("{:<6} {:<8} {:<28} {:<14} {:<22} DELIVERY\n", "ID", "WHEN", "RULE", "ISSUE", "WHY"),
        ));
        for f in firings {
            let issue = f.issue.as_ref().and_then(|i| i.short_id.clone()).unwrap_or_else(|| "-".into());
            let why = if f.test { format!("test: {}", f.reason) } else { f.reason.clone() };
            text.push_str(&format!(
                "{:<6} {:<8} {:<28} {:<14} {:<22} {}\n",
                one_line(&f.id),
                ago(f.date_fired, now),
                one_line(&f.rule.name),
                one_line(&issue),
                one_line(&why),
                firing_state(f)
            ));
        }
    }
    text.push_str(&dim(
        out,
        format!(
            "outbox: {} pending, {} retrying, {} sent, {} failed, {} dropped (holds at most {})\n",
            summary.pending, summary.retrying, summary.sent, summary.failed, summary.dropped, summary.limit
        ),
    ));
    text
}

fn firing_json(f: &AlertFiring) -> serde_json::Value {
    serde_json::json!({
        "id": f.id, "idempotencyKey": f.idempotency_key, "rule": f.rule.name, "reason": f.reason, "test": f.test,
        "issue": f.issue.as_ref().map(|i| &i.short_id), "dateFired": f.date_fired, "state": f.state(),
        "deliveries": f.deliveries.iter().map(|d| serde_json::json!({
            "kind": d.kind, "state": d.state, "attempts": d.attempts, "lastError": d.last_error })).collect::<Vec<_>>(),
    })
}

async fn test(client: &Client, rule_id: &str, wait: Duration, out: Out) -> Result<Option<u8>> {
    let all = rules(client, None).await?;
    let Some((project, rule)) = all.iter().find(|(_, r)| r.id == rule_id) else {
        bail!("no rule {rule_id:?} (see `sift alerts list`)");
    };
    let firing = client.test_rule(project, &rule.id).await.map_err(sift_only)?;
    println!("test notification of rule {} ({}) queued as firing {}", rule.id, one_line(&rule.name), firing.id);
    let deadline = tokio::time::Instant::now() + wait;
    let mut current = firing;
    loop {
        let state = current.state().to_string();
        if !matches!(state.as_str(), "pending" | "retrying") || tokio::time::Instant::now() >= deadline {
            println!("{}", bold(out, format!("{}: {}", current.id, firing_state(&current))));
            for d in &current.deliveries {
                let error = d.last_error.as_deref().map(|e| format!(": {}", one_line(e))).unwrap_or_default();
                println!("  {} {} after {} attempt(s){error}", d.kind, d.state, d.attempts);
            }
            return Ok(match state.as_str() {
                "sent" | "console" => None,
                _ => Some(1),
            });
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        let recent = client.alert_firings(Some(project), None, 50).await.map_err(sift_only)?;
        if let Some(found) = recent.into_iter().find(|f| f.id == current.id) {
            current = found;
        }
    }
}
