//! `sift issues …`: the console's list, detail and triage actions as commands, against any
//! profile or the embedded server. Every command that changes issues takes one or more ids,
//! numeric (`4711`) or short (`DEFAULT-1A`), reports each issue on its own line, and exits
//! non-zero if any failed.

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};

use super::output::{self, IssueJson, Out, bold, clean_lines, dim};
use super::until::Until;
use crate::api::{
    AssignTarget, Client, Event, EventListParams, Issue, IssueListParams, IssueSort, IssueUpdate, Priority,
};
use crate::text::one_line;
use crate::tui::detail::EventPick;

#[derive(Debug, Subcommand)]
pub enum IssuesCommand {
    /// List issues, newest activity first (the console's list)
    #[command(after_help = super::docs::ISSUES_LIST_EXAMPLES)]
    List(ListArgs),
    /// Show one issue and an event of it: header, stack trace, breadcrumbs, request, tags
    #[command(after_help = super::docs::ISSUES_SHOW_EXAMPLES)]
    Show(ShowArgs),
    /// Resolve issues (now, in the next release, or in a release)
    Resolve {
        /// Resolved in the next release: a new event in a newer release makes it regress
        #[arg(long, conflicts_with = "in_release")]
        next_release: bool,
        /// Resolved in this release: events from it or older releases do not reopen it
        #[arg(long, value_name = "VERSION")]
        in_release: Option<String>,
        #[command(flatten)]
        ids: Ids,
    },
    /// Reopen issues (resolved or archived)
    Unresolve {
        #[command(flatten)]
        ids: Ids,
    },
    /// Archive issues until a condition, or forever (also `ignore`)
    #[command(long_about = super::docs::ISSUES_IGNORE_LONG_ABOUT, visible_alias = "ignore")]
    Archive {
        /// When it comes back: 30m, 6h, 7d, 2w, 100x, 100x/1h, 10u, 10u/1d, escalating, forever
        #[arg(long, value_name = "WHEN", default_value = "forever")]
        until: Until,
        #[command(flatten)]
        ids: Ids,
    },
    /// Set issues' priority
    Priority {
        /// high, medium or low
        level: Level,
        #[command(flatten)]
        ids: Ids,
    },
    /// Assign issues to someone
    Assign {
        /// me, nobody, a username or email, user:ID or team:ID
        user: String,
        #[command(flatten)]
        ids: Ids,
    },
    /// Star issues (the console's bookmark)
    Bookmark {
        /// Remove the bookmark instead
        #[arg(long)]
        remove: bool,
        #[command(flatten)]
        ids: Ids,
    },
    /// Mark issues reviewed (out of "For review")
    Review {
        #[command(flatten)]
        ids: Ids,
    },
    /// Add a comment to issues
    Comment {
        /// The comment's text
        text: String,
        #[command(flatten)]
        ids: Ids,
    },
}

/// The issues an action applies to.
#[derive(Debug, Args)]
pub struct Ids {
    /// Issue ids: numeric (4711) or short (DEFAULT-1A)
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,
    /// Print the issues as they are afterwards, as a JSON array
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    High,
    Medium,
    Low,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sort {
    /// Last seen, newest first
    Date,
    /// First seen, newest first
    New,
    /// Events
    Freq,
    /// Users affected
    User,
    /// Priority
    Priority,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// A search in Sentry's syntax [default: is:unresolved]
    #[arg(long, short, value_name = "Q")]
    pub query: Option<String>,
    /// Sort order
    #[arg(long, short, value_enum, default_value_t = Sort::Date)]
    pub sort: Sort,
    /// Only events from this environment (repeat for more)
    #[arg(long = "env", short, value_name = "E")]
    pub environments: Vec<String>,
    /// Only this project, by slug or id (repeat for more)
    #[arg(long = "project", short, value_name = "P")]
    pub projects: Vec<String>,
    /// At most this many issues (pages are followed past 100)
    #[arg(long, short = 'n', value_name = "N", default_value_t = 25)]
    pub limit: usize,
    /// Print a JSON array of issues (see the README's "JSON output")
    #[arg(long)]
    pub json: bool,
    /// Exit with status 3 when any issue matches: a CI gate
    #[arg(long)]
    pub fail_if_any: bool,
}

/// `--event`: latest, oldest, recommended or an event id (the same picks as the console's).
fn parse_pick(s: &str) -> Result<EventPick, String> {
    Ok(match s {
        "latest" => EventPick::Latest,
        "oldest" => EventPick::Oldest,
        "recommended" => EventPick::Recommended,
        id if !id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') => {
            EventPick::Id(id.replace('-', ""))
        }
        other => return Err(format!("{other:?}: use latest, oldest, recommended or an event id")),
    })
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The issue: numeric (4711) or short (DEFAULT-1A)
    pub id: String,
    /// Which event: latest, oldest, recommended or an event id
    #[arg(long, value_name = "WHICH", default_value = "recommended", value_parser = parse_pick)]
    pub event: EventPick,
    /// Print {"issue": ..., "event": ...}: the issue in sift's shape, the event as the server sent it
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print Markdown, for a ticket or a chat
    #[arg(long)]
    pub markdown: bool,
    /// Show library frames too (by default only the application's, when it has any)
    #[arg(long)]
    pub all_frames: bool,
}

/// Exit status of `--fail-if-any` when something matched.
pub const MATCHED: u8 = 3;

/// Runs an issues command; `Ok(Some(code))` asks for that exit status.
pub async fn run(client: &Client, command: IssuesCommand, out: Out) -> Result<Option<u8>> {
    match command {
        IssuesCommand::List(args) => list(client, args, out).await,
        IssuesCommand::Show(args) => show(client, args, out).await.map(|()| None),
        IssuesCommand::Resolve { next_release, in_release, ids } => {
            let (update, verb) = match (next_release, in_release) {
                (true, _) => (IssueUpdate::resolve_in_next_release(), "resolved in the next release".to_string()),
                (false, Some(version)) => (IssueUpdate::resolve_in_release(&version), format!("resolved in {version}")),
                (false, None) => (IssueUpdate::resolve(), "resolved".to_string()),
            };
            apply(client, &ids, &update, &verb, out).await
        }
        IssuesCommand::Unresolve { ids } => apply(client, &ids, &IssueUpdate::unresolve(), "unresolved", out).await,
        IssuesCommand::Archive { until, ids } => {
            apply(client, &ids, &until.update(), &format!("archived {}", until.describe()), out).await
        }
        IssuesCommand::Priority { level, ids } => {
            let priority = match level {
                Level::High => Priority::High,
                Level::Medium => Priority::Medium,
                Level::Low => Priority::Low,
            };
            let verb = format!("priority {}", priority.as_str());
            apply(client, &ids, &IssueUpdate::set_priority(priority), &verb, out).await
        }
        IssuesCommand::Assign { user, ids } => {
            let target = assign_target(client, &user).await?;
            let verb = match &target {
                AssignTarget::Nobody => "unassigned".to_string(),
                _ => format!("assigned to {user}"),
            };
            apply(client, &ids, &IssueUpdate::assign(target), &verb, out).await
        }
        IssuesCommand::Bookmark { remove, ids } => {
            let verb = if remove { "bookmark removed" } else { "bookmarked" };
            apply(client, &ids, &IssueUpdate::bookmark(!remove), verb, out).await
        }
        IssuesCommand::Review { ids } => apply(client, &ids, &IssueUpdate::mark_reviewed(), "reviewed", out).await,
        IssuesCommand::Comment { text, ids } => comment(client, &ids, &text, out).await,
    }
}

async fn assign_target(client: &Client, user: &str) -> Result<AssignTarget> {
    Ok(match user {
        "nobody" | "none" | "" => AssignTarget::Nobody,
        "me" => {
            let me = client.whoami().await?.context("the server did not say who this token belongs to")?;
            AssignTarget::User(me.0)
        }
        other => match (other.strip_prefix("user:"), other.strip_prefix("team:")) {
            (Some(id), _) => AssignTarget::User(id.to_string()),
            (_, Some(id)) => AssignTarget::Team(id.to_string()),
            _ => AssignTarget::Name(other.to_string()),
        },
    })
}

/// The issue an id names: numeric ids are asked for directly, short ids are looked up.
pub async fn find(client: &Client, id: &str) -> Result<Issue> {
    if !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) {
        return client.issue(id, &[]).await.with_context(|| format!("issue {id}"));
    }
    client
        .find_issue_by_short_id(id)
        .await
        .with_context(|| format!("looking up {id}"))?
        .with_context(|| format!("no issue with short id {id}"))
}

/// Project ids for slugs or ids, as the server knows them.
pub(super) async fn project_ids(client: &Client, wanted: &[String]) -> Result<Vec<i64>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut projects = Vec::new();
    let mut cursor = None;
    loop {
        let page = client.list_projects(cursor.as_deref()).await?;
        cursor = page.next_cursor.clone();
        let more = page.has_next() && !page.is_empty();
        projects.extend(page.items);
        if !more {
            break;
        }
    }
    wanted
        .iter()
        .map(|w| {
            projects.iter().find(|p| &p.slug == w || &p.id == w).and_then(|p| p.id.parse::<i64>().ok()).with_context(
                || {
                    let known: Vec<&str> = projects.iter().map(|p| p.slug.as_str()).collect();
                    format!("no project {w:?} (known: {})", known.join(", "))
                },
            )
        })
        .collect()
}

/// Up to `limit` issues matching, following cursors.
pub async fn search(
    client: &Client,
    query: Option<&str>,
    sort: IssueSort,
    environments: &[String],
    projects: &[i64],
    limit: usize,
) -> Result<(Vec<Issue>, Option<u64>)> {
    let mut issues = Vec::new();
    let mut hits = None;
    let mut cursor: Option<String> = None;
    while issues.len() < limit {
        let mut params = IssueListParams {
            query: Some(query.unwrap_or("is:unresolved").to_string()),
            sort: Some(sort.clone()),
            environments: environments.to_vec(),
            projects: projects.to_vec(),
            limit: Some((limit - issues.len()).min(100) as u32),
            ..IssueListParams::default()
        };
        if let Some(c) = &cursor {
            params = params.cursor(c.clone());
        }
        let page = client.list_issues(&params).await?;
        hits = hits.or(page.hits);
        cursor = page.next_cursor.clone();
        let done = page.is_empty() || !page.has_next();
        issues.extend(page.items);
        if done {
            break;
        }
    }
    issues.truncate(limit);
    Ok((issues, hits))
}

async fn list(client: &Client, args: ListArgs, out: Out) -> Result<Option<u8>> {
    let projects = project_ids(client, &args.projects).await?;
    let sort = match args.sort {
        Sort::Date => IssueSort::Date,
        Sort::New => IssueSort::New,
        Sort::Freq => IssueSort::Freq,
        Sort::User => IssueSort::User,
        Sort::Priority => IssueSort::Priority,
    };
    let (issues, hits) =
        search(client, args.query.as_deref(), sort, &args.environments, &projects, args.limit.max(1)).await?;
    if args.json {
        let rows: Vec<IssueJson> = issues.iter().map(IssueJson::from).collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if issues.is_empty() {
        eprintln!("no issues match {}", args.query.as_deref().unwrap_or("is:unresolved"));
    } else {
        print!("{}", output::issue_table(&issues, out, crate::clock::now()));
        if let Some(hits) = hits.filter(|h| *h > issues.len() as u64) {
            eprintln!("{} of {hits} shown (--limit for more)", issues.len());
        }
    }
    Ok((args.fail_if_any && !issues.is_empty()).then_some(MATCHED))
}

/// Applies `update` to each id; one line (or the JSON array) for what happened.
async fn apply(client: &Client, ids: &Ids, update: &IssueUpdate, verb: &str, out: Out) -> Result<Option<u8>> {
    let mut done = Vec::new();
    let mut failed = 0;
    for id in &ids.ids {
        let result = async {
            let issue = find(client, id).await?;
            let updated = client.update_issue(&issue.id, update).await.with_context(|| format!("updating {id}"))?;
            // Some servers answer an update with only the changed fields.
            Ok::<Issue, anyhow::Error>(if updated.short_id.is_empty() {
                let mut issue = issue;
                update.apply_to(&mut issue);
                issue
            } else {
                updated
            })
        }
        .await;
        match result {
            Ok(issue) => {
                if !ids.json {
                    println!("{} {verb}: {}", bold(out, one_line(&issue.short_id)), one_line(&issue.title));
                }
                done.push(issue);
            }
            Err(err) => {
                failed += 1;
                eprintln!("error: {id}: {err:#}");
            }
        }
    }
    if ids.json {
        let rows: Vec<IssueJson> = done.iter().map(IssueJson::from).collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
    }
    if failed > 0 {
        bail!("{failed} of {} issues not changed", ids.ids.len());
    }
    Ok(None)
}

async fn comment(client: &Client, ids: &Ids, text: &str, out: Out) -> Result<Option<u8>> {
    anyhow::ensure!(!text.trim().is_empty(), "the comment is empty");
    let mut failed = 0;
    let mut notes = Vec::new();
    for id in &ids.ids {
        let result = async {
            let issue = find(client, id).await?;
            let note = client.add_comment(&issue.id, text, &[]).await.with_context(|| format!("commenting on {id}"))?;
            Ok::<_, anyhow::Error>((issue, note))
        }
        .await;
        match result {
            Ok((issue, note)) => {
                if !ids.json {
                    println!("{} commented: {}", bold(out, one_line(&issue.short_id)), one_line(&issue.title));
                }
                notes.push(json!({ "issue": IssueJson::from(&issue), "comment_id": note.id }));
            }
            Err(err) => {
                failed += 1;
                eprintln!("error: {id}: {err:#}");
            }
        }
    }
    if ids.json {
        println!("{}", serde_json::to_string_pretty(&notes)?);
    }
    if failed > 0 {
        bail!("{failed} of {} issues not commented on", ids.ids.len());
    }
    Ok(None)
}

async fn show(client: &Client, args: ShowArgs, out: Out) -> Result<()> {
    let issue = find(client, &args.id).await?;
    let event = client
        .event(&issue.id, args.event.segment(), &[])
        .await
        .with_context(|| format!("the {} event of {}", args.event.segment(), issue.short_id))?;
    let now = crate::clock::now();
    let event = if args.all_frames || args.json { event } else { app_frames(event) };
    if args.json {
        let raw = event.raw.as_deref().cloned().unwrap_or(Value::Null);
        println!("{}", serde_json::to_string_pretty(&json!({ "issue": IssueJson::from(&issue), "event": raw }))?);
    } else if args.markdown {
        print!("{}", markdown(&issue, &event, now));
    } else {
        print!("{}", text(&issue, &event, out, now));
    }
    Ok(())
}

/// `event` with only in-app frames in each stack that has some, as the console shows it.
fn app_frames(mut event: Event) -> Event {
    let keep = |stack: &mut crate::api::models::Stacktrace| {
        if stack.frames.iter().any(|f| f.in_app == Some(true)) {
            stack.frames.retain(|f| f.in_app == Some(true));
        }
    };
    for entry in &mut event.entries {
        match entry {
            crate::api::Entry::Exception(exception) => {
                exception.values.iter_mut().filter_map(|v| v.stacktrace.as_mut()).for_each(keep);
            }
            crate::api::Entry::Stacktrace(stack) => keep(stack),
            _ => {}
        }
    }
    event
}

/// What both renderings of `show` say about the issue, one fact per pair.
fn facts(issue: &Issue, event: &Event, now: DateTime<Utc>) -> Vec<(&'static str, String)> {
    let mut facts = vec![
        ("status", output::status_word(issue)),
        ("level", issue.level.as_ref().map_or("-".into(), |l| l.as_str().to_string())),
        ("priority", issue.priority.as_ref().map_or("-".into(), |p| p.as_str().to_string())),
        ("events", issue.count.to_string()),
        ("users", issue.user_count.to_string()),
        ("first seen", format!("{} ago", output::ago(issue.first_seen, now))),
        ("last seen", format!("{} ago", output::ago(issue.last_seen, now))),
        ("assignee", issue.assigned_to.as_ref().map_or("nobody".into(), |a| one_line(a.display_name()))),
        ("project", one_line(&issue.project.slug)),
    ];
    if let Some(link) = &issue.permalink {
        facts.push(("link", one_line(link)));
    }
    let at = event.date_created.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_default();
    facts.push(("event", format!("{} at {at}", one_line(&event.event_id))));
    for key in ["environment", "release"] {
        if let Some(value) = event.tag(key) {
            facts.push((key, one_line(value)));
        }
    }
    facts
}

fn crumbs(event: &Event) -> Vec<String> {
    let Some(entry) = event.breadcrumbs() else { return Vec::new() };
    entry
        .values
        .iter()
        .rev()
        .take(15)
        .map(|c| {
            let at = c.timestamp.map(|t| t.format("%H:%M:%S").to_string()).unwrap_or_default();
            let message = c.message.clone().or_else(|| c.data.as_ref().map(Value::to_string)).unwrap_or_default();
            format!(
                "{at} {:<7} {:<12} {}",
                one_line(c.level.as_deref().unwrap_or("info")),
                one_line(crate::tui::detail::crumb_category(c)),
                output::truncate(&one_line(&message), 200)
            )
        })
        .collect()
}

fn request(event: &Event) -> Vec<String> {
    let Some(request) = event.request() else { return Vec::new() };
    let mut lines = vec![format!(
        "{} {}",
        one_line(request.method.as_deref().unwrap_or("")),
        one_line(request.url.as_deref().unwrap_or(""))
    )];
    for (name, value) in &request.headers {
        lines.push(format!("{}: {}", one_line(name), output::truncate(&one_line(value), 200)));
    }
    lines
}

fn text(issue: &Issue, event: &Event, out: Out, now: DateTime<Utc>) -> String {
    let width = out.width.unwrap_or(usize::MAX);
    let mut s = String::new();
    let head = format!("{} {}", one_line(&issue.short_id), one_line(&issue.title));
    s.push_str(&bold(out, output::truncate(&head, width)));
    s.push('\n');
    if let Some(culprit) = issue.culprit.as_deref().filter(|c| !c.is_empty()) {
        s.push_str(&dim(out, output::truncate(&one_line(culprit), width)));
        s.push('\n');
    }
    for (name, value) in facts(issue, event, now) {
        s.push_str(&output::truncate(&format!("{name:>12}  {value}"), width));
        s.push('\n');
    }
    let trace = crate::tui::detail::raw_traceback(event);
    let sections = [
        (
            "Stack trace",
            if trace.trim().is_empty() {
                Vec::new()
            } else {
                clean_lines(&trace).lines().map(str::to_string).collect()
            },
        ),
        ("Breadcrumbs (newest first)", crumbs(event)),
        ("Request", request(event)),
        ("Tags", event.tags.iter().map(|t| format!("{} = {}", one_line(&t.key), one_line(&t.value))).collect()),
    ];
    for (title, lines) in sections {
        if lines.is_empty() {
            continue;
        }
        s.push('\n');
        s.push_str(&bold(out, title.to_string()));
        s.push('\n');
        for line in lines {
            s.push_str(&output::truncate(&format!("  {line}"), width));
            s.push('\n');
        }
    }
    s
}

/// Markdown inline text: control characters as pictures, Markdown's own characters escaped.
fn md(text: &str) -> String {
    let mut out = String::new();
    for c in one_line(text).chars() {
        if "\\`*_[]<>|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A fenced block's body: never able to close its fence.
fn fenced(text: &str) -> String {
    clean_lines(text).replace("```", "`\u{200b}``")
}

fn markdown(issue: &Issue, event: &Event, now: DateTime<Utc>) -> String {
    let mut s = String::new();
    let title = match &issue.permalink {
        Some(link) => {
            format!("## [{}]({}) {}\n\n", md(&issue.short_id), one_line(link).replace(')', "%29"), md(&issue.title))
        }
        None => format!("## {} {}\n\n", md(&issue.short_id), md(&issue.title)),
    };
    s.push_str(&title);
    if let Some(culprit) = issue.culprit.as_deref().filter(|c| !c.is_empty()) {
        s.push_str(&format!("`{}`\n\n", one_line(culprit).replace('`', "'")));
    }
    s.push_str("| | |\n|---|---|\n");
    for (name, value) in facts(issue, event, now) {
        s.push_str(&format!("| {name} | {} |\n", md(&value)));
    }
    let trace = crate::tui::detail::raw_traceback(event);
    if !trace.trim().is_empty() {
        s.push_str(&format!("\n### Stack trace\n\n```\n{}\n```\n", fenced(trace.trim_end())));
    }
    let crumbs = crumbs(event);
    if !crumbs.is_empty() {
        s.push_str(&format!("\n### Breadcrumbs (newest first)\n\n```\n{}\n```\n", fenced(&crumbs.join("\n"))));
    }
    let request = request(event);
    if !request.is_empty() {
        s.push_str(&format!("\n### Request\n\n```http\n{}\n```\n", fenced(&request.join("\n"))));
    }
    if !event.tags.is_empty() {
        s.push_str("\n### Tags\n\n");
        for tag in &event.tags {
            s.push_str(&format!("- {}: {}\n", md(&tag.key), md(&tag.value)));
        }
    }
    s
}

/// The events of an issue between `start` and `end`, oldest first (for `events tail`).
pub async fn events_between(
    client: &Client,
    issue_id: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    environments: &[String],
) -> Result<Vec<crate::api::EventSummary>> {
    let params = EventListParams {
        start: Some(start),
        end: Some(end),
        environments: environments.to_vec(),
        per_page: Some(100),
        ..EventListParams::default()
    };
    let mut events = client.list_events(issue_id, &params).await?.items;
    events.sort_by_key(|e| e.date_created);
    Ok(events)
}
