//! From the API's issues to digest entries, and the order each section lists them in.
//!
//! Contract: an entry copies what the server said, except `events` (counted in the window, see
//! `window`) and `permalink` (the server's, else built as Sentry spells it). Sections are sorted
//! here rather than trusted to the server's order, with the short id breaking ties, so that the
//! same issues always give the same digest.

use std::cmp::Reverse;

use crate::api::{AssigneeKind, Issue};

use super::digest::{Entry, SectionKind};
use super::window::Window;

/// Where entries link to.
pub(crate) struct Links<'a> {
    /// Server root, ending with `/`.
    pub base_url: &'a str,
    pub org: &'a str,
}

/// The entry for `issue`.
pub(crate) fn entry(issue: &Issue, window: &Window, links: &Links<'_>) -> Entry {
    let assignee = issue.assigned_to.as_ref().map(|a| match a.kind {
        AssigneeKind::Team => format!("#{}", a.display_name()),
        _ => a.display_name().to_owned(),
    });
    let permalink = issue
        .permalink
        .clone()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| format!("{}organizations/{}/issues/{}/", links.base_url, links.org, issue.id));
    Entry {
        issue_id: issue.id.clone(),
        short_id: if issue.short_id.is_empty() { issue.id.clone() } else { issue.short_id.clone() },
        title: issue.title.clone(),
        culprit: issue.culprit.clone().filter(|c| !c.is_empty()),
        project: project_name(issue).to_owned(),
        level: issue.level.as_ref().map(|l| l.as_str().to_owned()),
        status: issue.status.as_ref().map(|s| s.as_str().to_owned()).unwrap_or_default(),
        priority: issue.priority.as_ref().map(|p| p.as_str().to_owned()),
        assignee,
        events: window.events(issue),
        users: issue.user_count,
        first_seen: issue.first_seen,
        last_seen: issue.last_seen,
        permalink,
    }
}

/// The project an issue is listed under: its slug, else its name, else its id.
pub(crate) fn project_name(issue: &Issue) -> &str {
    let p = &issue.project;
    [&p.slug, &p.name, &p.id].into_iter().find(|s| !s.is_empty()).map_or("", |s| s.as_str())
}

/// Sorts `entries` the way section `kind` lists them. `Resolved` keeps the given order (its
/// entries arrive sorted by resolution time, which an entry does not carry).
pub(crate) fn sort(kind: SectionKind, entries: &mut [Entry]) {
    let tie = |e: &Entry| (e.short_id.clone(), e.issue_id.clone());
    match kind {
        SectionKind::New | SectionKind::NewInRelease => entries.sort_by_key(|e| (Reverse(e.first_seen), tie(e))),
        SectionKind::Regressed | SectionKind::UnassignedHighPriority => {
            entries.sort_by_key(|e| (Reverse(e.last_seen), tie(e)))
        }
        SectionKind::Escalating | SectionKind::TopByEvents => {
            entries.sort_by_key(|e| (Reverse(e.events), Reverse(e.users), tie(e)))
        }
        SectionKind::TopByUsers => entries.sort_by_key(|e| (Reverse(e.users), Reverse(e.events), tie(e))),
        SectionKind::Resolved => {}
    }
}
