//! The releases screen (`H`, or `:releases`): releases per project, newest first, with their age,
//! new issues, events and their sparkline, crash-free sessions and users, adoption and the last
//! deploy. A release of several projects is a row per project, as Sentry lists them; with the
//! list's project filter set, only that project's. Enter shows the issues first seen in the
//! release (`firstRelease:`), `a` every issue seen in it (`release:`), through the list (see
//! [`super::screen`]).

use super::screen::ListView;
use super::state::{Load, ReqId, StatsPeriod};
use crate::api::models::{ReleaseInfo, ReleaseProject};

/// The loaded releases.
#[derive(Debug, Clone, Default)]
pub struct ReleasesData {
    pub releases: Vec<ReleaseInfo>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Releases {
    pub data: Load<ReleasesData>,
    /// The first-page request awaited.
    pub req: Option<ReqId>,
    /// The next-page request awaited.
    pub more: Option<ReqId>,
    /// Index into [`Releases::rows`].
    pub cursor: usize,
    /// The events sparkline's period.
    pub period: StatsPeriod,
    /// The project shown: the list's filter when the screen opened.
    pub project: Option<(i64, String)>,
    pub environment: Option<String>,
    /// A release to put the cursor on when it arrives (opened from an issue's header).
    pub focus: Option<String>,
    /// Set while the issues of a release are shown: the list to put back.
    pub away: Option<ListView>,
}

/// One row: a release in one of its projects.
#[derive(Debug, Clone, Copy)]
pub struct ReleaseRow<'a> {
    pub release: &'a ReleaseInfo,
    /// `None` for a release that names no project.
    pub project: Option<&'a ReleaseProject>,
}

impl Releases {
    /// The rows in screen order.
    pub fn rows(&self) -> Vec<ReleaseRow<'_>> {
        let Some(data) = self.data.ready() else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        for release in &data.releases {
            let shown: Vec<&ReleaseProject> = match &self.project {
                Some((id, slug)) => {
                    release.projects.iter().filter(|p| p.slug == *slug || p.id == id.to_string()).collect()
                }
                None => release.projects.iter().collect(),
            };
            if shown.is_empty() {
                rows.push(ReleaseRow { release, project: None });
            }
            rows.extend(shown.into_iter().map(|project| ReleaseRow { release, project: Some(project) }));
        }
        rows
    }

    pub fn current(&self) -> Option<ReleaseRow<'_>> {
        self.rows().get(self.cursor).copied()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_become_search_values_that_parse_back() {
        for (version, value) in [
            ("web@1.2.3", "web@1.2.3"),
            ("a b", "\"a b\""),
            ("x\"y", "\"x\\\"y\""),
            ("1,2", "1,2"),
            ("n\u{1b}[31m", "n\u{1b}[31m"),
        ] {
            assert_eq!(crate::search::single_value(version), value);
            let query = crate::search::parse(&format!("firstRelease:{value}")).unwrap();
            let predicates = query.predicates(chrono::Utc::now());
            let crate::search::Predicate::FirstRelease { release, .. } = &predicates[0] else {
                panic!("{predicates:?}");
            };
            assert!(release.pattern.as_ref().is_some_and(|p| p.matches(version)), "{version}");
        }
    }
}
