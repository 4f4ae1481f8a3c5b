//! The "resolved" section: issues that are resolved now and were resolved during the window.
//!
//! Contract: the issue list cannot say *when* an issue was resolved, so this lists resolved
//! issues (most recently seen first, one page of [`RESOLVED_SCAN`], not limited to the window:
//! an issue quiet for a week can be resolved today) and reads the activity logs of the first
//! [`MAX_ACTIVITY_CALLS`] of them, keeping those with a `set_resolved*` activity (plain, in
//! release, in commit, by age...) dated in the window. Entries are listed latest resolution
//! first. When the scan could not cover every resolved issue, the total is unknown and a note
//! says how far it looked.

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, TryStreamExt, stream};

use crate::api::{Activity, Client, Error, Issue, IssueSort};

use super::digest::{Section, SectionKind};
use super::gather::{CONCURRENCY, Plan};
use super::window::Window;

/// Resolved issues listed before their activity is checked.
pub(crate) const RESOLVED_SCAN: u32 = 50;

/// Most activity logs read per digest.
pub(crate) const MAX_ACTIVITY_CALLS: usize = 25;

/// The resolved-in-the-window section.
pub(crate) async fn section(client: &Client, plan: &Plan<'_>, notes: &mut Vec<String>) -> Result<Section, Error> {
    let params = plan.params("is:resolved".to_owned(), IssueSort::Date, RESOLVED_SCAN, false);
    let page = client.list_issues(&params).await?;
    let listed = page.len();
    let complete = !page.has_next() && listed <= MAX_ACTIVITY_CALLS;
    let checked: Vec<(Issue, Option<DateTime<Utc>>)> = stream::iter(page.items.into_iter().take(MAX_ACTIVITY_CALLS))
        .map(|issue| async move {
            let log = client.list_activity(&issue.id).await?;
            let at = resolved_at(&log, &plan.window);
            Ok::<_, Error>((issue, at))
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    let mut confirmed: Vec<(Issue, DateTime<Utc>)> =
        checked.into_iter().filter_map(|(issue, at)| at.map(|at| (issue, at))).collect();
    confirmed.sort_by(|(a, at_a), (b, at_b)| at_b.cmp(at_a).then_with(|| a.short_id.cmp(&b.short_id)));
    if !complete {
        let of = page.hits.map_or_else(|| "more".to_owned(), |n| n.to_string());
        notes.push(format!(
            "\"{}\" checked the activity of the {} most recently seen of {of} resolved issues.",
            SectionKind::Resolved.heading(),
            listed.min(MAX_ACTIVITY_CALLS)
        ));
    }
    let issues: Vec<Issue> = confirmed.into_iter().map(|(issue, _)| issue).collect();
    let total = complete.then_some(issues.len() as u64);
    Ok(plan.section(SectionKind::Resolved, &issues, total))
}

/// The latest resolution recorded in `log` within the window.
pub(crate) fn resolved_at(log: &[Activity], window: &Window) -> Option<DateTime<Utc>> {
    log.iter()
        .filter(|a| a.kind.starts_with("set_resolved"))
        .filter_map(|a| a.date_created)
        .filter(|at| window.contains(*at))
        .max()
}
