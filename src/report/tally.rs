//! Counts per environment and per project: issues seen in the window, how many of them are
//! new, and their events in the window.
//!
//! Contract: a tally listing is the issue search with every status (`query=`), `start`/`end`
//! of the window, sorted by frequency, read page by page up to [`MAX_LISTED`] issues. Projects
//! are tallied from one listing of the whole scope, grouped by project slug; environments from
//! one listing each, for the environments asked for (every one, even when quiet) or else the
//! organization's visible ones (at most [`MAX_ENVIRONMENTS`], quiet ones left out). `issues` is
//! the server's `X-Hits` when sent; `new` and `events` count the issues read, so a listing cut
//! at the cap leaves a note.

use std::collections::BTreeMap;

use futures_util::{StreamExt, TryStreamExt, stream};

use crate::api::{Client, Error, Issue, IssueSort};

use super::digest::Tally;
use super::entry::project_name;
use super::gather::{CONCURRENCY, Plan};
use super::window::Window;

/// Issues per page of a tally listing.
const PAGE: u32 = 100;

/// Most issues read per tally listing.
pub(crate) const MAX_LISTED: usize = 500;

/// Most environments tallied when none were asked for.
pub(crate) const MAX_ENVIRONMENTS: usize = 20;

/// Both tables, sorted by name.
#[derive(Debug, Default)]
pub(crate) struct Tallies {
    pub environments: Vec<Tally>,
    pub projects: Vec<Tally>,
}

/// Issues seen in the window: those read, and how many matched.
struct Listing {
    issues: Vec<Issue>,
    hits: Option<u64>,
    complete: bool,
}

pub(crate) async fn gather(client: &Client, plan: &Plan<'_>, notes: &mut Vec<String>) -> Result<Tallies, Error> {
    let everywhere = listing(client, plan, &plan.options.environments).await?;
    if !everywhere.complete {
        notes.push(cut_note("per project", &everywhere));
    }
    let projects = by_project(&everywhere.issues, &plan.window);
    let asked = !plan.options.environments.is_empty();
    let names = if asked { plan.options.environments.clone() } else { visible_environments(client, notes).await? };
    let listings: Vec<(String, Listing)> = stream::iter(names)
        .map(|name| async move {
            let found = listing(client, plan, std::slice::from_ref(&name)).await?;
            Ok::<_, Error>((name, found))
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;
    let mut environments = Vec::new();
    for (name, found) in listings {
        if !found.complete {
            notes.push(cut_note(&format!("for environment {name}"), &found));
        }
        let tally = tally(name, &found.issues, found.hits, &plan.window);
        if asked || tally.issues > 0 {
            environments.push(tally);
        }
    }
    environments.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Tallies { environments, projects })
}

/// The organization's visible environments, by name, at most [`MAX_ENVIRONMENTS`].
async fn visible_environments(client: &Client, notes: &mut Vec<String>) -> Result<Vec<String>, Error> {
    let mut names: Vec<String> = client
        .list_environments()
        .await?
        .into_iter()
        .filter(|e| e.is_hidden != Some(true) && !e.name.is_empty())
        .map(|e| e.name)
        .collect();
    names.sort();
    names.dedup();
    if names.len() > MAX_ENVIRONMENTS {
        notes.push(format!("Counts cover the first {MAX_ENVIRONMENTS} of {} environments by name.", names.len()));
        names.truncate(MAX_ENVIRONMENTS);
    }
    Ok(names)
}

/// Reads the issues seen in the window within `environments` (empty: all).
async fn listing(client: &Client, plan: &Plan<'_>, environments: &[String]) -> Result<Listing, Error> {
    let mut params = plan.params(String::new(), IssueSort::Freq, PAGE, true);
    params.environments = environments.to_vec();
    let mut found = Listing { issues: Vec::new(), hits: None, complete: false };
    loop {
        let page = client.list_issues(&params).await?;
        found.hits = found.hits.or(page.hits);
        found.issues.extend(page.items);
        match page.next_cursor {
            Some(cursor) if found.issues.len() < MAX_LISTED => params.cursor = Some(cursor),
            Some(_) => break,
            None => {
                found.complete = true;
                break;
            }
        }
    }
    found.issues.truncate(MAX_LISTED);
    Ok(found)
}

fn cut_note(what: &str, listing: &Listing) -> String {
    let of = listing.hits.map_or_else(|| "more".to_owned(), |n| n.to_string());
    format!("New issues and events {what} count the {} most frequent of {of} active issues.", listing.issues.len())
}

/// The tally of `issues` seen in `window`; `hits` (the server's count of all matches) wins over
/// the number read.
pub(crate) fn tally(name: String, issues: &[Issue], hits: Option<u64>, window: &Window) -> Tally {
    let read = issues.len() as u64;
    Tally {
        name,
        issues: hits.unwrap_or(read).max(read),
        new: issues.iter().filter(|i| window.is_new(i)).count() as u64,
        events: issues.iter().map(|i| window.events(i)).sum(),
    }
}

/// One tally per project slug (else name, else id), by name.
pub(crate) fn by_project(issues: &[Issue], window: &Window) -> Vec<Tally> {
    let mut groups: BTreeMap<&str, Vec<Issue>> = BTreeMap::new();
    for issue in issues {
        groups.entry(project_name(issue)).or_default().push(issue.clone());
    }
    groups.into_iter().map(|(name, issues)| tally(name.to_owned(), &issues, None, window)).collect()
}
