//! Gathering a digest: which issue searches to send for each section, and putting the answers
//! together.
//!
//! Contract: every query uses only search terms that both Sentry and sift's server accept
//! (`is:unresolved`, `is:resolved`, `is:regressed`, `is:escalating`, `is:unassigned`,
//! `issue.priority:high`, `firstSeen:>=<naive UTC time>`); "seen in the window" is the list
//! call's `start`/`end`. The calls, at most: seven section searches (one more when the server
//! rejects priority search), the newest release and its new issues (`firstRelease:`), the
//! activity logs of the resolved candidates (see `resolved`), and the tally listings (see
//! `tally`). Any API error ends the gathering and is returned as is, except a 404 for the
//! releases, which means the tracker has none.

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::{StreamExt, TryStreamExt, stream};

use crate::api::{Client, Error, Issue, IssueListParams, IssueSort, Priority, ReleaseListParams};

use super::digest::{Digest, SCHEMA_VERSION, Scope, Section, SectionKind};
use super::entry::{self, Links};
use super::window::Window;
use super::{resolved, tally};

/// Issues read for the two "top" sections before they are ranked by their counts in the window
/// (the server's own ranking may count the issue's whole life).
const TOP_SCAN: u32 = 100;

/// Unassigned issues read when the server cannot search by priority and they are filtered here.
const PRIORITY_FALLBACK_SCAN: u32 = 100;

/// Most requests in flight at once.
pub(crate) const CONCURRENCY: usize = 4;

/// What to gather.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// Length of the window that ends at `now`.
    pub since: TimeDelta,
    /// Environment names; empty = all.
    pub environments: Vec<String>,
    /// Numeric project ids; empty = every project the token sees.
    pub projects: Vec<i64>,
    /// Entries per section (1 to 100; the default is 10).
    pub limit: usize,
}

impl Default for ReportOptions {
    /// The last 24 hours, everywhere, ten entries per section.
    fn default() -> Self {
        Self { since: TimeDelta::hours(24), environments: Vec::new(), projects: Vec::new(), limit: 10 }
    }
}

/// The window and filters every call shares, and how to build their parameters.
pub(crate) struct Plan<'a> {
    pub window: Window,
    pub options: &'a ReportOptions,
    pub links: Links<'a>,
}

impl Plan<'_> {
    /// Entries per section, as the list call's `limit`.
    pub fn limit(&self) -> u32 {
        u32::try_from(self.options.limit).unwrap_or(u32::MAX).clamp(1, 100)
    }

    /// An issue search for `query` within the options' environments and projects, with the
    /// window's stats series; `seen_in_window` adds `start`/`end`.
    pub fn params(&self, query: String, sort: IssueSort, limit: u32, seen_in_window: bool) -> IssueListParams {
        let mut params =
            IssueListParams::new().query(query).sort(sort).limit(limit).group_stats_period(self.window.stats_period());
        params.environments = self.options.environments.clone();
        params.projects = self.options.projects.clone();
        if seen_in_window {
            params.start = Some(self.window.start);
            params.end = Some(self.window.end);
        }
        params
    }

    /// A section of `issues`, sorted its way and cut to the limit.
    pub fn section(&self, kind: SectionKind, issues: &[Issue], total: Option<u64>) -> Section {
        let mut entries: Vec<_> = issues.iter().map(|i| entry::entry(i, &self.window, &self.links)).collect();
        entry::sort(kind, &mut entries);
        entries.truncate(self.limit() as usize);
        Section { kind, release: None, total, entries }
    }
}

/// Gathers the digest of the window of length `options.since` ending at `now`.
pub async fn gather(client: &Client, options: &ReportOptions, now: DateTime<Utc>) -> Result<Digest, Error> {
    let base_url = client.base_url().to_string();
    let plan = Plan {
        window: Window::ending_at(now, options.since),
        options,
        links: Links { base_url: &base_url, org: client.org() },
    };
    let mut notes = Vec::new();
    let mut sections: Vec<Section> =
        stream::iter(plan.searches()).map(|s| searched(client, &plan, s)).buffered(CONCURRENCY).try_collect().await?;
    sections.push(resolved::section(client, &plan, &mut notes).await?);
    sections.push(unassigned_high_priority(client, &plan, &mut notes).await?);
    let new_in_release = new_in_release(client, &plan).await?;
    let tallies = tally::gather(client, &plan, &mut notes).await?;
    Ok(Digest {
        version: SCHEMA_VERSION,
        org: client.org().to_owned(),
        since: plan.window.start,
        until: plan.window.end,
        stats_period: plan.window.stats_period().as_str().to_owned(),
        scope: Scope { environments: options.environments.clone(), projects: options.projects.clone() },
        sections,
        new_in_release,
        environments: tallies.environments,
        projects: tallies.projects,
        notes,
    })
}

/// A section that one search answers.
struct Search {
    kind: SectionKind,
    query: String,
    sort: IssueSort,
    /// Issues to read (the two "top" sections read more, then rank them here).
    scan: u32,
}

impl Plan<'_> {
    /// The searches of the sections that one search answers, all limited to issues seen in the
    /// window.
    fn searches(&self) -> [Search; 5] {
        let search = |kind, query: &str, sort, scan| Search { kind, query: query.to_owned(), sort, scan };
        let new = format!("is:unresolved firstSeen:>={}", self.window.search_start());
        [
            search(SectionKind::New, &new, IssueSort::New, self.limit()),
            search(SectionKind::Regressed, "is:regressed", IssueSort::Date, self.limit()),
            search(SectionKind::Escalating, "is:escalating", IssueSort::Freq, self.limit()),
            search(SectionKind::TopByEvents, "is:unresolved", IssueSort::Freq, TOP_SCAN),
            search(SectionKind::TopByUsers, "is:unresolved", IssueSort::User, TOP_SCAN),
        ]
    }
}

async fn searched(client: &Client, plan: &Plan<'_>, search: Search) -> Result<Section, Error> {
    let page = client.list_issues(&plan.params(search.query, search.sort, search.scan, true)).await?;
    Ok(plan.section(search.kind, &page.items, page.hits))
}

/// The issues first seen in the newest release in scope (`firstRelease:`, any status, not only
/// in the window); `None` when there is no release, or the tracker has no releases API (404).
async fn new_in_release(client: &Client, plan: &Plan<'_>) -> Result<Option<Section>, Error> {
    let params = ReleaseListParams { projects: plan.options.projects.clone(), per_page: Some(1), ..Default::default() };
    let newest = match client.list_releases(&params).await {
        Ok(page) => page.items.into_iter().next(),
        Err(Error::NotFound { .. }) => None,
        Err(err) => return Err(err),
    };
    let Some(release) = newest else {
        return Ok(None);
    };
    let query = format!("firstRelease:{}", crate::search::single_value(&release.version));
    let page = client.list_issues(&plan.params(query, IssueSort::New, plan.limit(), false)).await?;
    let mut section = plan.section(SectionKind::NewInRelease, &page.items, page.hits);
    section.release = Some(release.version);
    Ok(Some(section))
}

/// Unresolved, unassigned, high-priority issues (not limited to the window: they wait for an
/// owner however quiet they are). A server that answers 400 to `issue.priority:` is asked for
/// unassigned issues instead, filtered here on their `priority`.
async fn unassigned_high_priority(client: &Client, plan: &Plan<'_>, notes: &mut Vec<String>) -> Result<Section, Error> {
    let kind = SectionKind::UnassignedHighPriority;
    let query = "is:unresolved is:unassigned issue.priority:high".to_owned();
    match client.list_issues(&plan.params(query, IssueSort::Date, plan.limit(), false)).await {
        Ok(page) => return Ok(plan.section(kind, &page.items, page.hits)),
        Err(Error::BadRequest { status: 400, .. }) => {}
        Err(err) => return Err(err),
    }
    let query = "is:unresolved is:unassigned".to_owned();
    let page = client.list_issues(&plan.params(query, IssueSort::Date, PRIORITY_FALLBACK_SCAN, false)).await?;
    let (scanned, complete) = (page.len(), !page.has_next());
    let high: Vec<Issue> = page.items.into_iter().filter(|i| i.priority == Some(Priority::High)).collect();
    notes.push(format!(
        "The server does not search by priority: \"{}\" lists the high-priority issues among the {scanned} most \
         recently seen unassigned ones.",
        kind.heading(),
    ));
    Ok(plan.section(kind, &high, complete.then_some(high.len() as u64)))
}
