//! `sift releases list|show`: the console's releases screen as commands, against any profile or
//! the embedded server. `list` prints a release per project, newest first, with its new issues,
//! events, crash-free sessions and users, adoption and last deploy; `show` one release with each
//! project's health, its deploys and the issues first seen in it. `--json` shapes are stable:
//! fields are only ever added.

use anyhow::{Context, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::output::{IssueJson, Out, ago, bold, dim, truncate};
use crate::api::models::{Deploy, ReleaseProject};
use crate::api::{Client, IssueSort, ReleaseInfo, ReleaseListParams};
use crate::text::{fit, one_line};

#[derive(Debug, Subcommand)]
pub enum ReleasesCommand {
    /// List releases per project, newest first: new issues, events, crash-free sessions and users, adoption, last deploy
    #[command(after_help = super::docs::RELEASES_LIST_EXAMPLES)]
    List(ListArgs),
    /// Show one release: each project's health, the deploys, and the issues first seen in it
    #[command(after_help = super::docs::RELEASES_SHOW_EXAMPLES)]
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this project, by slug or id (repeat for more)
    #[arg(long = "project", short, value_name = "P")]
    pub projects: Vec<String>,
    /// Health in this environment only (repeat for more)
    #[arg(long = "env", short, value_name = "E")]
    pub environments: Vec<String>,
    /// Only versions containing this text
    #[arg(long, short, value_name = "TEXT")]
    pub query: Option<String>,
    /// At most this many releases
    #[arg(long, value_name = "N", default_value_t = 25)]
    pub limit: usize,
    /// Print JSON: one object per release, with its projects
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The release's version, as sent by the SDK's `release` option or `sentry-cli releases new`
    pub version: String,
    /// New issues listed (the issues first seen in the release)
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub limit: usize,
    /// Print JSON: {"release": ..., "deploys": [...], "new_issues": [...]}
    #[arg(long)]
    pub json: bool,
}

/// A release project as `--json` gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectJson {
    pub slug: String,
    pub new_issues: u64,
    /// Events in the release (sift's servers say; Sentry does not).
    pub events: Option<u64>,
    pub sessions: Option<u64>,
    /// Percentages, 0 to 100.
    pub crash_free_sessions: Option<f64>,
    pub crash_free_users: Option<f64>,
    pub adoption: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeployJson {
    pub environment: String,
    pub name: Option<String>,
    pub date_finished: Option<String>,
}

/// A release as `--json` gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseJson {
    pub version: String,
    pub short_version: String,
    pub status: Option<String>,
    pub date_created: Option<String>,
    /// When it was finalized; `null` while it is not.
    pub date_released: Option<String>,
    pub new_issues: u64,
    pub commits: u64,
    pub deploys: u64,
    pub last_deploy: Option<DeployJson>,
    pub projects: Vec<ProjectJson>,
}

fn rfc3339(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn deploy_json(deploy: &Deploy) -> DeployJson {
    DeployJson {
        environment: deploy.environment.clone(),
        name: deploy.name.clone(),
        date_finished: rfc3339(deploy.date_finished),
    }
}

impl From<&ReleaseInfo> for ReleaseJson {
    fn from(release: &ReleaseInfo) -> Self {
        let project = |p: &ReleaseProject| {
            let health = p.health_data.as_ref();
            ProjectJson {
                slug: p.slug.clone(),
                new_issues: p.new_groups,
                events: p.event_count,
                sessions: health.and_then(|h| h.total_sessions),
                crash_free_sessions: health.and_then(|h| h.crash_free_sessions),
                crash_free_users: health.and_then(|h| h.crash_free_users),
                adoption: health.and_then(|h| h.adoption.or(h.sessions_adoption)),
            }
        };
        Self {
            version: release.version.clone(),
            short_version: release.display_version().to_owned(),
            status: release.status.clone(),
            date_created: rfc3339(release.date_created),
            date_released: rfc3339(release.date_released),
            new_issues: release.new_groups,
            commits: release.commit_count,
            deploys: release.deploy_count,
            last_deploy: release.last_deploy.as_ref().map(deploy_json),
            projects: release.projects.iter().map(project).collect(),
        }
    }
}

fn percent(value: Option<f64>) -> String {
    value.map_or("-".into(), |v| if v >= 99.995 { "100%".into() } else { format!("{v:.2}%") })
}

pub async fn run(client: &Client, command: ReleasesCommand, out: Out) -> Result<Option<u8>> {
    match command {
        ReleasesCommand::List(args) => list(client, args, out).await,
        ReleasesCommand::Show(args) => show(client, args, out).await,
    }
}

/// Up to `limit` releases, following cursors.
async fn releases(client: &Client, mut params: ReleaseListParams, limit: usize) -> Result<Vec<ReleaseInfo>> {
    let mut found = Vec::new();
    while found.len() < limit {
        params.per_page = Some((limit - found.len()).min(100) as u32);
        let page = client.list_releases(&params).await?;
        params.cursor = page.next_cursor.clone();
        let done = page.is_empty() || !page.has_next();
        found.extend(page.items);
        if done {
            break;
        }
    }
    found.truncate(limit);
    Ok(found)
}

/// The release table: a row per release and project.
pub fn table(releases: &[ReleaseInfo], out: Out, now: DateTime<Utc>) -> String {
    let header = format!(
        "{} {} {:<8} {:<10} {:>4} {:>7} {:>8} {:>8} {:>6}  LAST DEPLOY",
        fit("VERSION", 24),
        fit("PROJECT", 14),
        "CREATED",
        "RELEASED",
        "NEW",
        "EVENTS",
        "SESSIONS",
        "USERS",
        "ADOPT"
    );
    let mut text = bold(out, header) + "\n";
    for release in releases {
        let rows: Vec<Option<&ReleaseProject>> =
            if release.projects.is_empty() { vec![None] } else { release.projects.iter().map(Some).collect() };
        for project in rows {
            let health = project.and_then(|p| p.health_data.as_ref());
            let released = release.date_released.map_or("unreleased".to_string(), |at| ago(Some(at), now));
            let deploy = release
                .last_deploy
                .as_ref()
                .map_or("-".into(), |d| format!("{} {}", one_line(&d.environment), ago(d.date_finished, now)));
            let line = format!(
                "{} {} {:<8} {:<10} {:>4} {:>7} {:>8} {:>8} {:>6}  {}",
                fit(&truncate(&one_line(&release.version), 24), 24),
                fit(&truncate(&project.map_or("-".into(), |p| one_line(&p.slug)), 14), 14),
                ago(release.date_created, now),
                released,
                project.map_or(release.new_groups, |p| p.new_groups),
                project.and_then(|p| p.event_count).map_or("-".into(), |n| n.to_string()),
                percent(health.and_then(|h| h.crash_free_sessions)),
                percent(health.and_then(|h| h.crash_free_users)),
                health.and_then(|h| h.adoption.or(h.sessions_adoption)).map_or("-".into(), |a| format!("{a:.1}%")),
                deploy
            );
            text.push_str(&out.width.map_or(line.clone(), |w| truncate(&line, w)));
            text.push('\n');
        }
    }
    text
}

async fn list(client: &Client, args: ListArgs, out: Out) -> Result<Option<u8>> {
    let params = ReleaseListParams {
        projects: super::issues::project_ids(client, &args.projects).await?,
        environments: args.environments.clone(),
        query: args.query.clone(),
        health: true,
        ..ReleaseListParams::default()
    };
    let found = releases(client, params, args.limit.max(1)).await?;
    if args.json {
        let rows: Vec<ReleaseJson> = found.iter().map(ReleaseJson::from).collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if found.is_empty() {
        eprintln!(
            "no releases yet: they come from events that name one (the SDK's release option) and sentry-cli releases new"
        );
    } else {
        print!("{}", table(&found, out, crate::clock::now()));
    }
    Ok(None)
}

async fn show(client: &Client, args: ShowArgs, out: Out) -> Result<Option<u8>> {
    let version = args.version.trim();
    let release = client.release(version).await.with_context(|| format!("release {version:?}"))?;
    let deploys = client.release_deploys(version).await.unwrap_or_default();
    let query = format!("firstRelease:{}", crate::search::single_value(version));
    let (issues, hits) =
        super::issues::search(client, Some(&query), IssueSort::New, &[], &[], args.limit.max(1)).await?;
    if args.json {
        let value = serde_json::json!({
            "release": ReleaseJson::from(&release),
            "deploys": deploys.iter().map(deploy_json).collect::<Vec<_>>(),
            "new_issues": issues.iter().map(IssueJson::from).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(None);
    }
    let now = crate::clock::now();
    let released =
        release.date_released.map_or("not finalized".to_string(), |at| format!("released {} ago", ago(Some(at), now)));
    println!(
        "{}",
        bold(out, format!("{} ({})", one_line(&release.version), release.status.as_deref().unwrap_or("open")))
    );
    println!(
        "created {} ago · {released} · {} new issues · {} commits · {} deploys",
        ago(release.date_created, now),
        release.new_groups,
        release.commit_count,
        release.deploy_count
    );
    println!();
    print!("{}", table(std::slice::from_ref(&release), out, now));
    if !deploys.is_empty() {
        println!();
        println!("{}", bold(out, "Deploys".into()));
        for deploy in &deploys {
            let name = deploy.name.as_deref().map(|n| format!(" ({})", one_line(n))).unwrap_or_default();
            println!("  {} {} ago{name}", one_line(&deploy.environment), ago(deploy.date_finished, now));
        }
    }
    println!();
    let total = hits.unwrap_or(issues.len() as u64);
    println!("{}", bold(out, format!("New in {} ({total})", one_line(&release.version))));
    if issues.is_empty() {
        println!("{}", dim(out, "  no issue was first seen in this release".into()));
    } else {
        print!("{}", super::output::issue_table(&issues, out, now));
    }
    Ok(None)
}
