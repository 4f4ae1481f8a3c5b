//! The issue list: typed filters (what Sentry's search and the list parameters can ask for,
//! in the store's own terms), sort orders and offset paging, turned into bound-parameter
//! queries: a count, the page's ids, then those issues' columns. The search syntax itself is
//! parsed elsewhere ([`crate::search`]); this module only knows what can be asked of the tables.

use std::collections::HashMap;

use rusqlite::{Connection, params_from_iter, types::Value as Sql};

use super::StoreError;
use super::issues::{FOR_REVIEW_SQL, IssueRecord, STATUS_SQL, SUBSTATUS_SQL, Viewer, issue_from_row, issue_select};

/// The newest release of the issue's project: the one its organization created last (by
/// sentry-cli, or by its first event), as Sentry orders releases.
const NEWEST_RELEASE: &str = "(SELECT o.version FROM org_releases o JOIN release_projects rp ON rp.release_id = o.id
    WHERE rp.project_id = g.project_id ORDER BY o.date_created DESC, o.id DESC LIMIT 1)";

/// A comparison for numbers and times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Cmp {
    fn sql(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Lt => "<",
            Self::Le => "<=",
        }
    }
}

/// How a text field must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// Equal to any of these.
    AnyOf(Vec<String>),
    /// SQL `LIKE` pattern (case-insensitive for ASCII), with `\` as its escape character.
    Like(String),
}

/// One condition on issues; a list of them must all hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Status as it reads now: `unresolved`, `resolved` or `ignored`, any of them.
    Status(Vec<String>),
    /// Substatus as it reads now (`new`, `ongoing`, `regressed`, `escalating`, `archived_*`).
    Substatus(Vec<String>),
    ForReview,
    /// Assigned to this user; `None`: assigned to anyone.
    Assigned(Option<i64>),
    /// Assigned to the user with this username or email.
    AssignedToName(String),
    Unassigned,
    BookmarkedBy(i64),
    /// Bookmarked by the user with this username or email.
    BookmarkedByName(String),
    /// Has events in its project's newest release.
    LatestRelease,
    /// First seen in its project's newest release.
    FirstReleaseLatest,
    Level(Vec<String>),
    /// Priority values (25, 50, 75).
    Priority(Vec<i64>),
    Projects(Vec<i64>),
    /// Projects by slug.
    ProjectSlug(Match),
    /// Only these issues.
    Ids(Vec<i64>),
    /// The issue has events with this tag (`has:`).
    HasTag(String),
    /// The issue has events whose tag `key` matches.
    Tag {
        key: String,
        value: Match,
    },
    FirstRelease(Match),
    TimesSeen(Cmp, i64),
    /// Unix seconds.
    LastSeen(Cmp, f64),
    FirstSeen(Cmp, f64),
    /// (project slug, lowercase; per-project counter).
    ShortId(String, i64),
    /// Free text: title, culprit, or the error value.
    Text(Match),
    Title(Match),
    ErrorType(Match),
    ErrorValue(Match),
    Unhandled(bool),
    /// Sentry's issue category (`error`, `performance`) and type (`error`,
    /// `performance_n_plus_one_db_queries`, ...), from the issue's type.
    IssueCategory(Match),
    IssueType(Match),
    /// Never matches (for searches that name something this server cannot have, such as a team).
    Nothing,
    /// The negation of a condition.
    Not(Box<Filter>),
    /// At least one of these holds.
    Any(Vec<Filter>),
}

/// Orders of the issue list (Sentry's `sort` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// `date`: last seen, newest first (the default).
    #[default]
    LastSeen,
    /// `new`: first seen, newest first.
    FirstSeen,
    /// `freq`: most events first.
    Events,
    /// `user`: most users first.
    Users,
    /// `priority` (sift's extension): highest priority, then last seen.
    Priority,
    /// `inbox`: most recently new, regressed or escalating first.
    Inbox,
}

impl Sort {
    /// Parses Sentry's `sort` parameter; `trends` and `recommended` read as their nearest order.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "date" | "trends" => Self::LastSeen,
            "new" => Self::FirstSeen,
            "freq" => Self::Events,
            "user" => Self::Users,
            "priority" | "recommended" => Self::Priority,
            "inbox" => Self::Inbox,
            _ => return None,
        })
    }

    fn order_by(self) -> &'static str {
        match self {
            Self::LastSeen => "g.last_seen DESC, g.id DESC",
            Self::FirstSeen => "g.first_seen DESC, g.id DESC",
            Self::Events => "g.times_seen DESC, g.id DESC",
            Self::Users => "g.user_count DESC, g.id DESC",
            Self::Priority => "g.priority DESC, g.last_seen DESC, g.id DESC",
            Self::Inbox => "coalesce(g.status_changed_at, g.first_seen) DESC, g.id DESC",
        }
    }
}

/// Which issues one page of the list holds.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub filters: Vec<Filter>,
    /// Only issues with events in these environments (empty: all).
    pub environments: Vec<String>,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
}

/// One page of issues plus what the API reports beside it.
#[derive(Debug, Clone)]
pub struct IssuePage {
    pub issues: Vec<IssueRecord>,
    /// Issues matching in all (the `X-Hits` header).
    pub hits: i64,
    /// Events within the environment filter, per issue (only when filtered).
    pub filtered_counts: HashMap<i64, i64>,
}

/// Builds `WHERE` clauses with plain `?` placeholders numbered after the select's `?1`/`?2`.
struct Where {
    sql: String,
    args: Vec<Sql>,
}

impl Where {
    fn text_match(&mut self, column: &str, value: &Match) -> String {
        match value {
            Match::AnyOf(values) => {
                self.args.extend(values.iter().map(|v| Sql::Text(v.clone())));
                format!("{column} IN ({})", vec!["?"; values.len()].join(", "))
            }
            Match::Like(pattern) => {
                self.args.push(Sql::Text(pattern.clone()));
                format!("{column} LIKE ? ESCAPE '\\'")
            }
        }
    }

    fn list(&mut self, column: &str, values: &[String]) -> String {
        self.text_match(column, &Match::AnyOf(values.to_vec()))
    }

    fn condition(&mut self, filter: &Filter) -> String {
        match filter {
            Filter::Status(values) => self.list(STATUS_SQL, values),
            Filter::Substatus(values) => self.list(SUBSTATUS_SQL, values),
            Filter::ForReview => FOR_REVIEW_SQL.to_string(),
            Filter::Assigned(None) => "g.assignee IS NOT NULL".into(),
            Filter::Assigned(Some(user)) => {
                self.args.push(Sql::Text(format!("user:{user}")));
                "g.assignee = ?".into()
            }
            Filter::AssignedToName(name) => {
                self.args.push(Sql::Text(name.clone()));
                self.args.push(Sql::Text(name.clone()));
                "g.assignee = (SELECT 'user:' || u.id FROM users u WHERE u.username = ? OR lower(u.email) = lower(?))"
                    .into()
            }
            Filter::BookmarkedByName(name) => {
                self.args.push(Sql::Text(name.clone()));
                self.args.push(Sql::Text(name.clone()));
                "EXISTS (SELECT 1 FROM group_bookmarks b JOIN users u ON u.id = b.user_id
                    WHERE b.group_id = g.id AND (u.username = ? OR lower(u.email) = lower(?)))"
                    .into()
            }
            Filter::LatestRelease => format!(
                "EXISTS (SELECT 1 FROM group_tags t WHERE t.group_id = g.id AND t.key = 'release' AND t.value = {NEWEST_RELEASE})"
            ),
            Filter::FirstReleaseLatest => format!("g.first_release = {NEWEST_RELEASE}"),
            Filter::Any(filters) if filters.is_empty() => "0".into(),
            Filter::Any(filters) => {
                let parts: Vec<String> =
                    filters.iter().map(|f| format!("coalesce({}, 0)", self.condition(f))).collect();
                format!("({})", parts.join(" OR "))
            }
            Filter::Unassigned => "g.assignee IS NULL".into(),
            Filter::BookmarkedBy(user) => {
                self.args.push(Sql::Integer(*user));
                "EXISTS (SELECT 1 FROM group_bookmarks b WHERE b.group_id = g.id AND b.user_id = ?)".into()
            }
            Filter::Level(values) => self.list("g.level", values),
            Filter::Priority(values) => {
                self.args.extend(values.iter().map(|&v| Sql::Integer(v)));
                format!("g.priority IN ({})", vec!["?"; values.len()].join(", "))
            }
            Filter::Projects(ids) => {
                self.args.extend(ids.iter().map(|&v| Sql::Integer(v)));
                format!("g.project_id IN ({})", vec!["?"; ids.len()].join(", "))
            }
            Filter::ProjectSlug(value) => self.text_match("p.slug", value),
            Filter::Ids(ids) => {
                self.args.extend(ids.iter().map(|&v| Sql::Integer(v)));
                format!("g.id IN ({})", vec!["?"; ids.len()].join(", "))
            }
            Filter::HasTag(key) => {
                self.args.push(Sql::Text(key.clone()));
                "EXISTS (SELECT 1 FROM group_tags t WHERE t.group_id = g.id AND t.key = ?)".into()
            }
            Filter::Tag { key, value } => {
                self.args.push(Sql::Text(key.clone()));
                let matches = self.text_match("t.value", value);
                format!("EXISTS (SELECT 1 FROM group_tags t WHERE t.group_id = g.id AND t.key = ? AND {matches})")
            }
            Filter::FirstRelease(value) => self.text_match("g.first_release", value),
            Filter::TimesSeen(cmp, n) => {
                self.args.push(Sql::Integer(*n));
                format!("g.times_seen {} ?", cmp.sql())
            }
            Filter::LastSeen(cmp, at) => {
                self.args.push(Sql::Real(*at));
                format!("g.last_seen {} ?", cmp.sql())
            }
            Filter::FirstSeen(cmp, at) => {
                self.args.push(Sql::Real(*at));
                format!("g.first_seen {} ?", cmp.sql())
            }
            Filter::ShortId(slug, counter) => {
                self.args.push(Sql::Text(slug.clone()));
                self.args.push(Sql::Integer(*counter));
                "(lower(p.slug) = ? AND g.short_id = ?)".into()
            }
            Filter::Text(value) => {
                let title = self.text_match("g.title", value);
                let culprit = self.text_match("g.culprit", value);
                let error = self.text_match("json_extract(g.metadata, '$.value')", value);
                format!("({title} OR {culprit} OR {error})")
            }
            Filter::Title(value) => self.text_match("g.title", value),
            Filter::ErrorType(value) => self.text_match("json_extract(g.metadata, '$.type')", value),
            Filter::ErrorValue(value) => self.text_match("json_extract(g.metadata, '$.value')", value),
            Filter::Unhandled(unhandled) => format!("g.is_unhandled = {}", i32::from(*unhandled)),
            Filter::IssueCategory(value) => self.text_match(
                "(CASE WHEN g.type LIKE 'performance\\_%' ESCAPE '\\' THEN 'performance' ELSE 'error' END)",
                value,
            ),
            Filter::IssueType(value) => self.text_match(
                "(CASE WHEN g.type LIKE 'performance\\_%' ESCAPE '\\' THEN g.type ELSE 'error' END)",
                value,
            ),
            Filter::Nothing => "0".into(),
            Filter::Not(inner) => format!("NOT coalesce({}, 0)", self.condition(inner)),
        }
    }
}

fn where_clause(query: &ListQuery) -> Where {
    let mut clause = Where { sql: String::from(" WHERE 1"), args: Vec::new() };
    for filter in &query.filters {
        let condition = clause.condition(filter);
        clause.sql.push_str(" AND ");
        clause.sql.push_str(&condition);
    }
    if !query.environments.is_empty() {
        let envs = clause.list("t.value", &query.environments);
        clause.sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM group_tags t WHERE t.group_id = g.id AND t.key = 'environment' AND {envs})"
        ));
    }
    clause
}

/// The issues `clause` matches: `FROM` and `WHERE` with `?1` (now) and `?2` (the viewer)
/// mentioned first, so the clause's plain `?`s number on from ?3 whatever is selected.
fn matching(clause: &Where) -> String {
    format!("FROM groups g JOIN projects p ON p.id = g.project_id AND ?1 IS NOT NULL AND ?2 IS NOT NULL{}", clause.sql)
}

/// The parameters of [`matching`]: now, the viewer, then the clause's.
fn matching_args(clause: &Where, viewer: Viewer) -> impl Iterator<Item = Sql> + '_ {
    [Sql::Real(viewer.now), Sql::Integer(viewer.user_id)].into_iter().chain(clause.args.iter().cloned())
}

/// One page of issues as `viewer` sees them: a count of all that match, the page's ids in
/// order, then those issues' columns. Run it inside one read transaction ([`super::Store::read`]
/// opens one) so the three agree.
pub fn list_page(conn: &Connection, query: &ListQuery, viewer: Viewer) -> Result<IssuePage, StoreError> {
    let clause = where_clause(query);
    let count_sql = format!("SELECT count(*) {}", matching(&clause));
    let hits: i64 = conn
        .prepare_cached(&count_sql)?
        .query_row(params_from_iter(matching_args(&clause, viewer)), |row| row.get(0))?;
    let ids = page_ids(conn, query, &clause, viewer)?;
    let issues = issues_in_order(conn, &ids, viewer)?;
    let filtered_counts = if query.environments.is_empty() {
        HashMap::new()
    } else {
        environment_counts(conn, &ids, &query.environments)?
    };
    Ok(IssuePage { issues, hits, filtered_counts })
}

/// The ids of one page of issues, in order: what a bulk change applies to.
pub fn list_ids(conn: &Connection, query: &ListQuery, viewer: Viewer) -> Result<Vec<i64>, StoreError> {
    page_ids(conn, query, &where_clause(query), viewer)
}

/// The page's ids alone. Their columns are read after, for these ids only: SQLite's sorter
/// carries whole result rows, so sorting the full select computed every matching issue's
/// columns (the status expressions, the bookmark, seen and notes subqueries) to keep 25, about
/// 22 ms for `freq` over 10,000 issues.
fn page_ids(conn: &Connection, query: &ListQuery, clause: &Where, viewer: Viewer) -> Result<Vec<i64>, StoreError> {
    let sql = format!("SELECT g.id {} ORDER BY {} LIMIT ? OFFSET ?", matching(clause), query.sort.order_by());
    let args =
        matching_args(clause, viewer).chain([Sql::Integer(query.limit as i64), Sql::Integer(query.offset as i64)]);
    let mut stmt = conn.prepare_cached(&sql)?;
    let ids = stmt.query_map(params_from_iter(args), |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// The issues with `ids`, in that order, as `viewer` sees them (an id no longer stored is left out).
fn issues_in_order(conn: &Connection, ids: &[i64], viewer: Viewer) -> Result<Vec<IssueRecord>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("{} WHERE g.id IN ({})", issue_select(), vec!["?"; ids.len()].join(", "));
    let args =
        [Sql::Real(viewer.now), Sql::Integer(viewer.user_id)].into_iter().chain(ids.iter().map(|&id| Sql::Integer(id)));
    let mut found: HashMap<i64, IssueRecord> = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(args), issue_from_row)?
        .map(|issue| issue.map(|issue| (issue.id, issue)))
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// Events per issue within `environments`, from the issues' environment tag counts.
pub fn environment_counts(
    conn: &Connection,
    ids: &[i64],
    environments: &[String],
) -> Result<HashMap<i64, i64>, StoreError> {
    if ids.is_empty() || environments.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT group_id, sum(times_seen) FROM group_tags WHERE key = 'environment' AND group_id IN ({}) AND value IN ({})
         GROUP BY group_id",
        vec!["?"; ids.len()].join(", "),
        vec!["?"; environments.len()].join(", ")
    );
    let args: Vec<Sql> =
        ids.iter().map(|&id| Sql::Integer(id)).chain(environments.iter().map(|e| Sql::Text(e.clone()))).collect();
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Event counts per bucket for each issue: `buckets` buckets of `bucket_hours` hours ending
/// with the bucket holding `end_hour` (hours since the epoch), oldest first.
pub fn stats_series(
    conn: &Connection,
    group_ids: &[i64],
    end_hour: i64,
    buckets: usize,
    bucket_hours: i64,
) -> Result<HashMap<i64, Vec<i64>>, StoreError> {
    let mut series: HashMap<i64, Vec<i64>> = group_ids.iter().map(|&id| (id, vec![0; buckets])).collect();
    if group_ids.is_empty() || buckets == 0 {
        return Ok(series);
    }
    let bucket_hours = bucket_hours.max(1);
    let last_bucket = end_hour.div_euclid(bucket_hours);
    let first_bucket = last_bucket - buckets as i64 + 1;
    let sql = format!(
        "SELECT group_id, hour, count FROM group_stats WHERE hour >= ? AND hour < ? AND group_id IN ({})",
        vec!["?"; group_ids.len()].join(", ")
    );
    let mut args: Vec<Sql> =
        vec![Sql::Integer(first_bucket * bucket_hours), Sql::Integer((last_bucket + 1) * bucket_hours)];
    args.extend(group_ids.iter().map(|&id| Sql::Integer(id)));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(args.iter()))?;
    while let Some(row) = rows.next()? {
        let (group_id, hour, count): (i64, i64, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        let index = hour.div_euclid(bucket_hours) - first_bucket;
        if let (Some(values), Ok(index)) = (series.get_mut(&group_id), usize::try_from(index))
            && let Some(slot) = values.get_mut(index)
        {
            *slot += count;
        }
    }
    Ok(series)
}
