//! Query parameters of the list calls: issues, events of an issue, tag values.
//!
//! Contract: only parameters that are set are sent, with the exact names and spellings of the
//! OpenAPI schema (`statsPeriod`, `groupStatsPeriod`, `shortIdLookup=1`, repeated
//! `environment=`/`project=`, `full=true`, `per_page`). `query: None` leaves Sentry's default
//! (`is:unresolved`); `Some("")` asks for every status. `limit` is clamped to 1..=100. An empty
//! cursor is never sent (the schema requires `minLength: 1`).

use chrono::{DateTime, SecondsFormat, Utc};

/// Issue list ordering. `Priority` is an extension understood by sift's own server only
/// (Sentry's schema rejects it); `Other` passes any spelling through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueSort {
    /// Last seen (Sentry's default).
    Date,
    /// First seen.
    New,
    /// Event count.
    Freq,
    /// User count.
    User,
    Trends,
    Inbox,
    Recommended,
    Priority,
    Other(String),
}

impl IssueSort {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Date => "date",
            Self::New => "new",
            Self::Freq => "freq",
            Self::User => "user",
            Self::Trends => "trends",
            Self::Inbox => "inbox",
            Self::Recommended => "recommended",
            Self::Priority => "priority",
            Self::Other(s) => s,
        }
    }
}

/// Which sparkline the issue list embeds in `stats` (`groupStatsPeriod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupStatsPeriod {
    /// `""`: no stats.
    Disabled,
    Day,
    TwoWeeks,
    Auto,
}

impl GroupStatsPeriod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disabled => "",
            Self::Day => "24h",
            Self::TwoWeeks => "14d",
            Self::Auto => "auto",
        }
    }
}

/// Parameters of `GET /api/0/organizations/{org}/issues/`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IssueListParams {
    /// Search query; `None` = server default (`is:unresolved`), `Some("")` = everything.
    pub query: Option<String>,
    /// Time filter such as `24h`, `14d` (overrides `start`/`end`).
    pub stats_period: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub group_stats_period: Option<GroupStatsPeriod>,
    pub sort: Option<IssueSort>,
    pub environments: Vec<String>,
    /// Numeric project ids; `-1` = all accessible projects.
    pub projects: Vec<i64>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
    /// `shortIdLookup=1`: a query that is a short id returns that issue directly.
    pub short_id_lookup: bool,
    /// `expand=` values (`inbox`, `owners`, ...).
    pub expand: Vec<String>,
    /// `collapse=` values (`stats`, `lifetime`, ...).
    pub collapse: Vec<String>,
}

impl IssueListParams {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn query(mut self, q: impl Into<String>) -> Self {
        self.query = Some(q.into());
        self
    }

    pub fn sort(mut self, sort: IssueSort) -> Self {
        self.sort = Some(sort);
        self
    }

    pub fn stats_period(mut self, period: impl Into<String>) -> Self {
        self.stats_period = Some(period.into());
        self
    }

    pub fn group_stats_period(mut self, period: GroupStatsPeriod) -> Self {
        self.group_stats_period = Some(period);
        self
    }

    pub fn environment(mut self, env: impl Into<String>) -> Self {
        self.environments.push(env.into());
        self
    }

    pub fn project(mut self, id: i64) -> Self {
        self.projects.push(id);
        self
    }

    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    pub fn short_id_lookup(mut self, on: bool) -> Self {
        self.short_id_lookup = on;
        self
    }

    pub(crate) fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(query) = &self.query {
            q.push(("query", query.clone()));
        }
        push_time_window(&mut q, self.stats_period.as_deref(), self.start, self.end);
        if let Some(p) = self.group_stats_period {
            q.push(("groupStatsPeriod", p.as_str().to_owned()));
        }
        if let Some(sort) = &self.sort {
            q.push(("sort", sort.as_str().to_owned()));
        }
        q.extend(self.environments.iter().map(|e| ("environment", e.clone())));
        q.extend(self.projects.iter().map(|p| ("project", p.to_string())));
        if let Some(limit) = self.limit {
            q.push(("limit", limit.clamp(1, 100).to_string()));
        }
        push_cursor(&mut q, self.cursor.as_deref());
        if self.short_id_lookup {
            q.push(("shortIdLookup", "1".to_owned()));
        }
        q.extend(self.expand.iter().map(|e| ("expand", e.clone())));
        q.extend(self.collapse.iter().map(|c| ("collapse", c.clone())));
        q
    }
}

/// Parameters of `GET /api/0/organizations/{org}/issues/{id}/events/` (`full` is chosen by the
/// method called).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventListParams {
    pub query: Option<String>,
    pub environments: Vec<String>,
    pub stats_period: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// Deterministic pseudo-random order.
    pub sample: bool,
    /// Page size (`per_page`, clamped to 1..=100).
    pub per_page: Option<u32>,
    pub cursor: Option<String>,
}

impl EventListParams {
    pub(crate) fn to_query(&self, full: bool) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if full {
            q.push(("full", "true".to_owned()));
        }
        if let Some(query) = self.query.as_deref().filter(|s| !s.is_empty()) {
            q.push(("query", query.to_owned()));
        }
        q.extend(self.environments.iter().map(|e| ("environment", e.clone())));
        push_time_window(&mut q, self.stats_period.as_deref(), self.start, self.end);
        if self.sample {
            q.push(("sample", "true".to_owned()));
        }
        if let Some(n) = self.per_page {
            q.push(("per_page", n.clamp(1, 100).to_string()));
        }
        push_cursor(&mut q, self.cursor.as_deref());
        q
    }
}

/// Sort key of tag values. The schema's enum has no `-` prefix although its description says
/// `-` means descending (Sentry's default is `-id`); `descending` sends the prefix anyway,
/// which real Sentry accepts and a schema-validating mock rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagValueSort {
    Age,
    Count,
    Date,
    Id,
}

impl TagValueSort {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Age => "age",
            Self::Count => "count",
            Self::Date => "date",
            Self::Id => "id",
        }
    }
}

/// Parameters of `GET .../issues/{id}/tags/{key}/values/`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TagValuesParams {
    pub sort: Option<TagValueSort>,
    pub descending: bool,
    pub environments: Vec<String>,
    pub cursor: Option<String>,
}

impl TagValuesParams {
    pub(crate) fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(sort) = self.sort {
            let prefix = if self.descending { "-" } else { "" };
            q.push(("sort", format!("{prefix}{}", sort.as_str())));
        }
        q.extend(self.environments.iter().map(|e| ("environment", e.clone())));
        push_cursor(&mut q, self.cursor.as_deref());
        q
    }
}

fn push_time_window(
    q: &mut Vec<(&'static str, String)>,
    period: Option<&str>,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) {
    if let Some(p) = period.filter(|p| !p.is_empty()) {
        q.push(("statsPeriod", p.to_owned()));
    } else if let (Some(start), Some(end)) = (start, end) {
        // Whole seconds unless the time has milliseconds (an event's own time does).
        let iso = |t: DateTime<Utc>| {
            let format = if t.timestamp_subsec_millis() == 0 { SecondsFormat::Secs } else { SecondsFormat::Millis };
            t.to_rfc3339_opts(format, true)
        };
        q.push(("start", iso(start)));
        q.push(("end", iso(end)));
    }
}

fn push_cursor(q: &mut Vec<(&'static str, String)>, cursor: Option<&str>) {
    if let Some(c) = cursor.filter(|c| !c.is_empty()) {
        q.push(("cursor", c.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_params_serialize_in_schema_spelling() {
        let p = IssueListParams::new()
            .query("is:unresolved level:error")
            .sort(IssueSort::Freq)
            .stats_period("14d")
            .group_stats_period(GroupStatsPeriod::Day)
            .environment("prod")
            .environment("staging")
            .project(1)
            .project(2)
            .limit(500)
            .cursor("0:100:0")
            .short_id_lookup(true);
        let q = p.to_query();
        let get = |k: &str| q.iter().filter(|(n, _)| *n == k).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
        assert_eq!(get("query"), ["is:unresolved level:error"]);
        assert_eq!(get("sort"), ["freq"]);
        assert_eq!(get("statsPeriod"), ["14d"]);
        assert_eq!(get("groupStatsPeriod"), ["24h"]);
        assert_eq!(get("environment"), ["prod", "staging"]);
        assert_eq!(get("project"), ["1", "2"]);
        assert_eq!(get("limit"), ["100"]);
        assert_eq!(get("cursor"), ["0:100:0"]);
        assert_eq!(get("shortIdLookup"), ["1"]);
        assert!(IssueListParams::new().cursor("").to_query().is_empty());
        assert_eq!(IssueListParams::new().query("").to_query(), vec![("query", String::new())]);
    }

    #[test]
    fn event_and_tag_params() {
        let p = EventListParams { per_page: Some(0), cursor: Some("c".into()), ..Default::default() };
        assert_eq!(p.to_query(true), vec![("full", "true".into()), ("per_page", "1".into()), ("cursor", "c".into())]);
        let t = TagValuesParams { sort: Some(TagValueSort::Count), descending: true, ..Default::default() };
        assert_eq!(t.to_query(), vec![("sort", "-count".into())]);
    }
}
