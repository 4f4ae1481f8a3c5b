//! What a page of releases carries beyond the release table: each project's `healthData` (with
//! `health=1`), as Sentry computes it — crash-free sessions and users as percentages over
//! `summaryStatsPeriod` (14 days by default), adoption as the release's share of the project's
//! sessions and users over the last 24 hours, and a sessions (or users, `healthStat=users`)
//! series over `healthStatsPeriod` (`24h` hourly or `14d` daily) — and sift's event series per
//! release project. A few queries for the whole page, never one per release.

use std::collections::HashMap;

use rusqlite::Connection;
use serde_json::{Value, json};

use super::params::{Params, duration_secs};
use crate::server::ApiError;
use crate::store::StoreError;
use crate::store::health::{self, Counts, GroupBy, HealthQuery};
use crate::store::releases::{self, ReleaseSummary};

/// What `health=1` and its parameters ask for.
#[derive(Debug, Clone)]
pub struct HealthOptions {
    pub summary_hours: i64,
    /// `14d` (daily) rather than `24h` (hourly).
    pub stats_daily: bool,
    pub stat_users: bool,
    pub environments: Vec<String>,
}

impl HealthOptions {
    /// The options of a request, or `None` without `health=1`.
    pub fn from_params(params: &Params) -> Result<Option<Self>, ApiError> {
        if !params.flag("health") {
            return Ok(None);
        }
        let summary = params.get("summaryStatsPeriod").filter(|s| !s.is_empty()).unwrap_or("14d");
        let hours = duration_secs(summary)
            .map(|s| (s / 3600.0).ceil() as i64)
            .filter(|h| (1..=90 * 24).contains(h))
            .ok_or_else(|| {
                ApiError::bad_request(format!("Invalid summaryStatsPeriod {summary:?}: at most 90d, e.g. 24h or 14d"))
            })?;
        let stats_daily = match params.get("healthStatsPeriod").filter(|s| !s.is_empty()).unwrap_or("24h") {
            "24h" => false,
            "14d" => true,
            other => {
                return Err(ApiError::bad_request(format!("Invalid healthStatsPeriod {other:?}; valid: 24h, 14d")));
            }
        };
        let stat_users = match params.get("healthStat").filter(|s| !s.is_empty()).unwrap_or("sessions") {
            "sessions" => false,
            "users" => true,
            other => {
                return Err(ApiError::bad_request(format!("Invalid healthStat {other:?}; valid: sessions, users")));
            }
        };
        Ok(Some(Self { summary_hours: hours, stats_daily, stat_users, environments: params.all("environment") }))
    }
}

fn scope(summaries: &[ReleaseSummary]) -> (Vec<i64>, Vec<String>) {
    let mut projects: Vec<i64> = summaries.iter().flat_map(|s| s.projects.iter().map(|p| p.id)).collect();
    projects.sort_unstable();
    projects.dedup();
    (projects, summaries.iter().map(|s| s.release.version.clone()).collect())
}

fn by_key(groups: Vec<health::HealthGroup>) -> HashMap<(i64, String), health::HealthGroup> {
    groups.into_iter().filter_map(|g| Some(((g.project?, g.release.clone()?), g))).collect()
}

/// A percentage with Sentry's precision, or null.
fn percent(rate: Option<f64>) -> Value {
    rate.map_or(Value::Null, |r| json!((r * 100.0 * 10_000.0).round() / 10_000.0))
}

/// `healthData` of each (project, version) of the page.
pub fn health_data(
    conn: &Connection,
    org_id: i64,
    summaries: &[ReleaseSummary],
    options: &HealthOptions,
    now: f64,
) -> Result<HashMap<(i64, String), Value>, StoreError> {
    let (projects, versions) = scope(summaries);
    let end = (now / 3600.0).floor() as i64 + 1;
    let base = HealthQuery {
        org_id,
        projects: projects.clone(),
        environments: options.environments.clone(),
        releases: Some(versions),
        end_hour: end,
        by: GroupBy { project: true, release: true, environment: false },
        ..HealthQuery::default()
    };
    let window =
        |hours: i64, interval: i64| HealthQuery { start_hour: end - hours, interval_hours: interval, ..base.clone() };
    let summary = by_key(health::query(conn, &window(options.summary_hours, options.summary_hours))?);
    let day = by_key(health::query(conn, &window(24, 24))?);
    let project_day: HashMap<i64, Counts> = health::query(
        conn,
        &HealthQuery { releases: None, by: GroupBy { project: true, ..GroupBy::default() }, ..window(24, 24) },
    )?
    .into_iter()
    .filter_map(|g| Some((g.project?, g.totals)))
    .collect();
    let (stats_query, label) = if options.stats_daily {
        // Whole UTC days, today last.
        let end_day = (end + 23).div_euclid(24) * 24;
        (HealthQuery { start_hour: end_day - 14 * 24, end_hour: end_day, interval_hours: 24, ..base.clone() }, "14d")
    } else {
        (window(24, 1), "24h")
    };
    let stats = by_key(health::query(conn, &stats_query)?);

    let mut found = HashMap::new();
    for release in summaries {
        for project in &release.projects {
            let key = (project.id, release.release.version.clone());
            let totals = summary.get(&key).map(|g| g.totals).unwrap_or_default();
            let last_day = day.get(&key).map(|g| g.totals).unwrap_or_default();
            let project_totals = project_day.get(&project.id).copied().unwrap_or_default();
            let share = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
            let series: Vec<Value> = (0..stats_query.buckets())
                .map(|i| {
                    let at = (stats_query.start_hour + i as i64 * stats_query.interval_hours) * 3600;
                    let counts = stats.get(&key).and_then(|g| g.series.get(i)).copied().unwrap_or_default();
                    json!([at, if options.stat_users { counts.users } else { counts.sessions }])
                })
                .collect();
            found.insert(
                key,
                json!({
                    "durationP50": null,
                    "durationP90": null,
                    "crashFreeUsers": percent(totals.crash_free(true)),
                    "crashFreeSessions": percent(totals.crash_free(false)),
                    "totalUsers": totals.users,
                    "totalUsers24h": last_day.users,
                    "totalProjectUsers24h": project_totals.users,
                    "totalSessions": totals.sessions,
                    "totalSessions24h": last_day.sessions,
                    "totalProjectSessions24h": project_totals.sessions,
                    "adoption": percent(share(last_day.users, project_totals.users)),
                    "sessionsAdoption": percent(share(last_day.sessions, project_totals.sessions)),
                    "sessionsCrashed": totals.crashed,
                    "sessionsErrored": totals.errored,
                    "hasHealthData": totals.sessions > 0,
                    "stats": { label: series },
                }),
            );
        }
    }
    Ok(found)
}

/// sift's `eventStats` of each (project, version): events per hour over the last 24 hours and
/// per day over the last 14 days, as `[start, count]` pairs like an issue's `stats`.
pub fn event_stats(
    conn: &Connection,
    summaries: &[ReleaseSummary],
    now: f64,
) -> Result<HashMap<(i64, String), Value>, StoreError> {
    let (projects, versions) = scope(summaries);
    let end_hour = (now / 3600.0).floor() as i64;
    let first_day_hour = (end_hour.div_euclid(24) - 13) * 24;
    let hours = releases::event_hours(conn, &projects, &versions, first_day_hour.min(end_hour - 23))?;
    let mut found = HashMap::new();
    for release in summaries {
        for project in &release.projects {
            let key = (project.id, release.release.version.clone());
            let mut hourly = vec![0i64; 24];
            let mut daily = vec![0i64; 14];
            for &(hour, count) in hours.get(&key).map(Vec::as_slice).unwrap_or_default() {
                if let Ok(i) = usize::try_from(hour - (end_hour - 23))
                    && let Some(slot) = hourly.get_mut(i)
                {
                    *slot += count as i64;
                }
                if let Ok(i) = usize::try_from(hour.div_euclid(24) - (end_hour.div_euclid(24) - 13))
                    && let Some(slot) = daily.get_mut(i)
                {
                    *slot += count as i64;
                }
            }
            let pairs = |counts: &[i64], hours: i64| -> Vec<Value> {
                super::issue_json::series(counts, end_hour, hours).into_iter().map(|(at, n)| json!([at, n])).collect()
            };
            found.insert(key, json!({ "24h": pairs(&hourly, 1), "14d": pairs(&daily, 24) }));
        }
    }
    Ok(found)
}
