//! Tag distributions for the Web API: an issue's keys with their totals and top values, one
//! key's values page by page, and the same summed over an organization's issues (what search
//! completion offers). Counted by the writer per issue (`group_tags`), so these reads never
//! scan events. Counts cover every environment.

use rusqlite::{Connection, params};

use super::StoreError;

/// One value of a tag key within an issue.
#[derive(Debug, Clone, PartialEq)]
pub struct TagValueCount {
    pub value: String,
    pub count: i64,
    pub first_seen: f64,
    pub last_seen: f64,
}

/// A tag key of an issue with its totals and most frequent values.
#[derive(Debug, Clone, PartialEq)]
pub struct TagKeySummary {
    pub key: String,
    /// Events carrying the key.
    pub total: i64,
    /// Distinct values.
    pub unique: i64,
    pub top: Vec<TagValueCount>,
}

/// Values shown per key in the summary.
pub const TOP_VALUES: usize = 9;

/// Every tag key of the issue, most common first, each with its top values.
pub fn tag_keys(conn: &Connection, group_id: i64, only: Option<&str>) -> Result<Vec<TagKeySummary>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT key, sum(times_seen), count(*) FROM group_tags
         WHERE group_id = ?1 AND (?2 IS NULL OR key = ?2)
         GROUP BY key ORDER BY sum(times_seen) DESC, key",
    )?;
    let keys = stmt
        .query_map(params![group_id, only], |row| Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<Vec<(String, i64, i64)>>>()?;
    keys.into_iter()
        .map(|(key, total, unique)| {
            let (top, _) = tag_values(conn, group_id, &key, ValueOrder::Count, TOP_VALUES, 0)?;
            Ok(TagKeySummary { key, total, unique, top })
        })
        .collect()
}

/// How a key's values are ordered (Sentry's `sort` of the values endpoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValueOrder {
    /// Most events first (`-count`).
    #[default]
    Count,
    /// Most recently seen first (`-date`/`-last_seen`).
    LastSeen,
    /// Most recently first seen (`-age`/`-first_seen`).
    FirstSeen,
    /// By value (`id`).
    Value,
}

impl ValueOrder {
    fn sql(self) -> &'static str {
        match self {
            Self::Count => "times_seen DESC, value",
            Self::LastSeen => "last_seen DESC, value",
            Self::FirstSeen => "first_seen DESC, value",
            Self::Value => "value",
        }
    }

    /// The same order over values summed across issues.
    fn summed_sql(self) -> &'static str {
        match self {
            Self::Count => "sum(t.times_seen) DESC, t.value",
            Self::LastSeen => "max(t.last_seen) DESC, t.value",
            Self::FirstSeen => "min(t.first_seen) DESC, t.value",
            Self::Value => "t.value",
        }
    }
}

/// One page of a key's values, and whether more follow.
pub fn tag_values(
    conn: &Connection,
    group_id: i64,
    key: &str,
    order: ValueOrder,
    limit: usize,
    offset: usize,
) -> Result<(Vec<TagValueCount>, bool), StoreError> {
    let sql = format!(
        "SELECT value, times_seen, first_seen, last_seen FROM group_tags WHERE group_id = ?1 AND key = ?2
         ORDER BY {} LIMIT ?3 OFFSET ?4",
        order.sql()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut values = stmt
        .query_map(params![group_id, key, limit as i64 + 1, offset as i64], |row| {
            Ok(TagValueCount {
                value: row.get(0)?,
                count: row.get(1)?,
                first_seen: row.get(2)?,
                last_seen: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let more = values.len() > limit;
    values.truncate(limit);
    Ok((values, more))
}

/// The issues a summed read covers: an organization's, within `projects` when any are named.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub org_id: i64,
    /// Project ids; empty means all of the organization's.
    pub projects: &'a [i64],
}

impl Scope<'_> {
    fn projects_json(&self) -> String {
        serde_json::Value::from(self.projects.to_vec()).to_string()
    }
}

const IN_SCOPE: &str = "t.group_id IN (SELECT g.id FROM groups g JOIN projects p ON p.id = g.project_id
     WHERE p.org_id = ?1 AND (json_array_length(?2) = 0 OR g.project_id IN (SELECT value FROM json_each(?2))))";

/// Every tag key of the scope's issues, most common first (no top values: Sentry's organization
/// list has none either).
pub fn org_tag_keys(conn: &Connection, scope: Scope<'_>) -> Result<Vec<TagKeySummary>, StoreError> {
    let sql = format!(
        "SELECT t.key, sum(t.times_seen), count(DISTINCT t.value) FROM group_tags t WHERE {IN_SCOPE}
         GROUP BY t.key ORDER BY sum(t.times_seen) DESC, t.key"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let keys = stmt
        .query_map(params![scope.org_id, scope.projects_json()], |row| {
            Ok(TagKeySummary { key: row.get(0)?, total: row.get(1)?, unique: row.get(2)?, top: Vec::new() })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(keys)
}

/// One page of a key's values over the scope's issues, those containing `contains` (ignoring
/// case) when given, and whether more follow.
pub fn org_tag_values(
    conn: &Connection,
    scope: Scope<'_>,
    key: &str,
    contains: Option<&str>,
    order: ValueOrder,
    page: (usize, usize),
) -> Result<(Vec<TagValueCount>, bool), StoreError> {
    let (limit, offset) = page;
    let order = order.summed_sql();
    let sql = format!(
        "SELECT t.value, sum(t.times_seen), min(t.first_seen), max(t.last_seen) FROM group_tags t
         WHERE t.key = ?3 AND (?4 IS NULL OR instr(lower(t.value), lower(?4)) > 0) AND {IN_SCOPE}
         GROUP BY t.value ORDER BY {order} LIMIT ?5 OFFSET ?6"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let args = params![scope.org_id, scope.projects_json(), key, contains, limit as i64 + 1, offset as i64];
    let mut values = stmt
        .query_map(args, |row| {
            Ok(TagValueCount {
                value: row.get(0)?,
                count: row.get(1)?,
                first_seen: row.get(2)?,
                last_seen: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let more = values.len() > limit;
    values.truncate(limit);
    Ok((values, more))
}
