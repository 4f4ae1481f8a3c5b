//! `sift events tail`: new events as they arrive, like `tail -f`, from any Sentry-compatible
//! tracker. Sentry's Web API has no event stream, so this polls: the issues seen since a little
//! before the last poll (a minute of overlap catches events that were stored late or carry a
//! slightly old timestamp), then each one's events in that window, each event printed once.
//! A failed poll is said on stderr and retried with growing pauses; tailing goes on.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use clap::Args;
use serde::Serialize;

use super::issues::{events_between, search};
use super::output::{Out, bold, dim, truncate};
use crate::api::{Client, EventSummary, Issue, IssueSort};
use crate::text::one_line;

#[derive(Debug, Args)]
pub struct TailArgs {
    /// Only events of issues matching this search (Sentry's syntax; every status by default)
    #[arg(long, short, value_name = "Q", default_value = "")]
    pub query: String,
    /// Only events from this environment (repeat for more)
    #[arg(long = "env", short, value_name = "E")]
    pub environments: Vec<String>,
    /// Start with the events of this last stretch (30s, 10m, 2h, 1d) instead of only new ones
    #[arg(long, value_name = "AGO", value_parser = super::parse_ago, default_value = "0s")]
    pub since: TimeDelta,
    /// Seconds between polls
    #[arg(long, value_name = "SECS", default_value_t = 2)]
    pub interval: u64,
    /// Exit after this many events
    #[arg(long, value_name = "N")]
    pub count: Option<usize>,
    /// One JSON object per line (see the README's "JSON output")
    #[arg(long)]
    pub json: bool,
}

/// How far back each poll looks before the previous one.
const OVERLAP: TimeDelta = TimeDelta::seconds(60);
/// The longest pause after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// One line of `--json`. Stable: fields are only ever added.
#[derive(Debug, Serialize)]
struct EventLine<'a> {
    event_id: &'a str,
    date: Option<String>,
    issue_id: &'a str,
    short_id: &'a str,
    project: &'a str,
    level: Option<&'a str>,
    environment: Option<&'a str>,
    release: Option<&'a str>,
    title: &'a str,
    message: Option<&'a str>,
    permalink: Option<&'a str>,
}

fn line(event: &EventSummary, issue: &Issue, json: bool, out: Out) -> Result<String> {
    let level = event.tag("level").or(issue.level.as_ref().map(|l| l.as_str()));
    if json {
        return Ok(serde_json::to_string(&EventLine {
            event_id: &event.event_id,
            date: event.date_created.map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true)),
            issue_id: &issue.id,
            short_id: &issue.short_id,
            project: &issue.project.slug,
            level,
            environment: event.tag("environment"),
            release: event.tag("release"),
            title: &event.title,
            message: event.message.as_deref().filter(|m| !m.is_empty()),
            permalink: issue.permalink.as_deref(),
        })?);
    }
    let at = event.date_created.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default();
    let text = format!(
        "{} {} {:<7} {:<12} {}",
        dim(out, at),
        bold(out, format!("{:<16}", one_line(&issue.short_id))),
        one_line(level.unwrap_or("-")),
        one_line(event.tag("environment").unwrap_or("-")),
        one_line(&event.title),
    );
    // Colour codes do not take columns; cut only plain text.
    Ok(match (out.width, out.color) {
        (Some(width), false) => truncate(&text, width),
        _ => text,
    })
}

/// Event ids already printed, forgotten once they are older than any window still asked for.
#[derive(Default)]
struct Printed {
    order: VecDeque<(DateTime<Utc>, String)>,
    ids: HashMap<String, DateTime<Utc>>,
}

impl Printed {
    fn insert(&mut self, id: &str, at: DateTime<Utc>) -> bool {
        if self.ids.contains_key(id) {
            return false;
        }
        self.ids.insert(id.to_string(), at);
        self.order.push_back((at, id.to_string()));
        true
    }

    fn forget_before(&mut self, horizon: DateTime<Utc>) {
        while self.order.front().is_some_and(|(at, _)| *at < horizon) {
            if let Some((_, id)) = self.order.pop_front() {
                self.ids.remove(&id);
            }
        }
    }
}

/// Tails until interrupted, or until `--count` events were printed.
pub async fn run(client: &Client, args: TailArgs, out: Out) -> Result<()> {
    // Nothing older than the start is printed, however far back a poll looks.
    let start = crate::clock::now() - args.since;
    let mut from = start;
    let mut printed = Printed::default();
    let mut shown = 0usize;
    let mut failures = 0u32;
    let interval = Duration::from_secs(args.interval.max(1));
    loop {
        let until = crate::clock::now();
        match poll(client, &args, from, until).await {
            Ok(events) => {
                failures = 0;
                for (event, issue) in events {
                    let at = event.date_created.unwrap_or(until);
                    if at < start || !printed.insert(&event.event_id, at) {
                        continue;
                    }
                    println!("{}", line(&event, &issue, args.json, out)?);
                    shown += 1;
                    if args.count.is_some_and(|n| shown >= n) {
                        return Ok(());
                    }
                }
                from = (until - OVERLAP).max(start);
                printed.forget_before(from - OVERLAP);
            }
            Err(err) => {
                failures += 1;
                let pause = (interval * 2u32.saturating_pow(failures.min(6))).min(MAX_BACKOFF);
                eprintln!("sift: {err:#}; trying again in {}s", pause.as_secs());
                tokio::select! {
                    () = tokio::time::sleep(pause) => continue,
                    _ = tokio::signal::ctrl_c() => return Ok(()),
                }
            }
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {},
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

/// The events stored between `from` and `until`, oldest first, with their issues.
async fn poll(
    client: &Client,
    args: &TailArgs,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<(EventSummary, Issue)>> {
    let seen = format!("lastSeen:>={}", from.to_rfc3339_opts(SecondsFormat::Secs, true));
    let query = format!("{} {seen}", args.query).trim().to_string();
    let (issues, _) = search(client, Some(&query), IssueSort::Date, &args.environments, &[], 100).await?;
    let mut events = Vec::new();
    for issue in issues {
        let end = until + TimeDelta::seconds(1);
        for event in events_between(client, &issue.id, from, end, &args.environments).await? {
            events.push((event, issue.clone()));
        }
    }
    events.sort_by_key(|(e, _)| e.date_created);
    Ok(events)
}
