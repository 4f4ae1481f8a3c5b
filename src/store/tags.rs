//! An issue's tag distributions for the Web API: each key with its totals and top values, and
//! one key's values page by page. Counted by the writer per issue (`group_tags`), so these
//! reads never scan events. Counts cover every environment.

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
