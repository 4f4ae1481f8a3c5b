//! Release health read back: sessions and distinct users from the hourly tables that
//! [`super::sessions`] fills, over a range of hours, in buckets of a whole number of hours, and
//! grouped by any of project, release and environment. Users are counted distinct within each
//! bucket and over the whole range, as Sentry's `count_unique(user)` does, never summed.
//!
//! The statuses Sentry shows (healthy, errored, crashed, abnormal, unhandled) and the crash-free
//! rates are derived from these counts by [`Counts`]' methods; nothing here knows about HTTP.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, params_from_iter, types::Value as Sql};

use super::StoreError;
use super::sessions::{USER_ABNORMAL, USER_CRASHED, USER_ERRORED, USER_UNHANDLED};

/// Which columns the groups are split by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupBy {
    pub project: bool,
    pub release: bool,
    pub environment: bool,
}

/// What to count.
#[derive(Debug, Clone, Default)]
pub struct HealthQuery {
    pub org_id: i64,
    /// Empty: every project of the organization.
    pub projects: Vec<i64>,
    /// Empty: every environment.
    pub environments: Vec<String>,
    /// Only these releases, when set.
    pub releases: Option<Vec<String>>,
    /// First hour counted (hours since the epoch).
    pub start_hour: i64,
    /// First hour not counted.
    pub end_hour: i64,
    /// Hours per bucket (at least 1).
    pub interval_hours: i64,
    pub by: GroupBy,
}

impl HealthQuery {
    /// How many buckets the range holds.
    pub fn buckets(&self) -> usize {
        let (span, interval) = ((self.end_hour - self.start_hour).max(0), self.interval_hours.max(1));
        ((span + interval - 1) / interval) as usize
    }
}

/// Sessions and users of one group in one bucket, or over the whole range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub sessions: u64,
    /// Every errored session: crashed, abnormal and unhandled ones included.
    pub errored: u64,
    pub crashed: u64,
    pub abnormal: u64,
    pub unhandled: u64,
    pub users: u64,
    pub users_errored: u64,
    pub users_crashed: u64,
    pub users_abnormal: u64,
    pub users_unhandled: u64,
}

/// The statuses a session (or user) is shown under, in Sentry's order.
pub const STATUSES: [&str; 5] = ["healthy", "errored", "crashed", "abnormal", "unhandled"];

impl Counts {
    /// Sessions (`users: false`) or users under `status`: healthy ones are those that did not
    /// error; "errored" ones errored without crashing, ending abnormally or going unhandled.
    /// The five add up to the total.
    pub fn by_status(&self, status: &str, users: bool) -> u64 {
        let (total, errored, crashed, abnormal, unhandled) = if users {
            (self.users, self.users_errored, self.users_crashed, self.users_abnormal, self.users_unhandled)
        } else {
            (self.sessions, self.errored, self.crashed, self.abnormal, self.unhandled)
        };
        match status {
            "healthy" => total.saturating_sub(errored),
            "errored" => errored.saturating_sub(crashed + abnormal + unhandled),
            "crashed" => crashed,
            "abnormal" => abnormal,
            "unhandled" => unhandled,
            _ => 0,
        }
    }

    /// Sentry's crash-free rate, `1 − crashed / all`, from 0 to 1; `None` without data.
    pub fn crash_free(&self, users: bool) -> Option<f64> {
        let (total, crashed) = if users { (self.users, self.users_crashed) } else { (self.sessions, self.crashed) };
        (total > 0).then(|| (1.0 - crashed as f64 / total as f64).clamp(0.0, 1.0))
    }

    fn add_sessions(&mut self, row: [u64; 5]) {
        self.sessions += row[0];
        self.errored += row[1];
        self.crashed += row[2];
        self.abnormal += row[3];
        self.unhandled += row[4];
    }

    fn set_users(&mut self, users: &HashMap<String, i64>) {
        let with = |bit: i64| users.values().filter(|b| *b & bit != 0).count() as u64;
        self.users = users.len() as u64;
        self.users_errored = with(USER_ERRORED);
        self.users_crashed = with(USER_CRASHED);
        self.users_abnormal = with(USER_ABNORMAL);
        self.users_unhandled = with(USER_UNHANDLED);
    }
}

/// One group: its key (the columns not grouped by are `None`), totals, and one entry per bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthGroup {
    pub project: Option<i64>,
    pub release: Option<String>,
    pub environment: Option<String>,
    pub totals: Counts,
    pub series: Vec<Counts>,
}

type Key = (Option<i64>, Option<String>, Option<String>);

/// The `WHERE` of both tables, and its arguments.
fn scope(query: &HealthQuery, table: &str) -> (String, Vec<Sql>) {
    // With releases named, their rows are found by the primary key (project, release, ...); the
    // unary `+` keeps the planner (which has no statistics) from walking the project's hours
    // instead, which reads every release's rows of the range.
    let hour = if query.releases.is_some() { "+h.hour" } else { "h.hour" };
    let mut sql = format!(
        "FROM {table} h JOIN projects p ON p.id = h.project_id WHERE p.org_id = ? AND {hour} >= ? AND {hour} < ?"
    );
    let mut args = vec![Sql::Integer(query.org_id), Sql::Integer(query.start_hour), Sql::Integer(query.end_hour)];
    let mut list = |column: &str, values: Vec<Sql>| {
        sql.push_str(&format!(" AND {column} IN ({})", vec!["?"; values.len()].join(", ")));
        args.extend(values);
    };
    if !query.projects.is_empty() {
        list("h.project_id", query.projects.iter().map(|&p| Sql::Integer(p)).collect());
    }
    if !query.environments.is_empty() {
        list("h.environment", query.environments.iter().map(|e| Sql::Text(e.clone())).collect());
    }
    if let Some(releases) = &query.releases {
        list("h.release", releases.iter().map(|r| Sql::Text(r.clone())).collect());
    }
    (sql, args)
}

/// Every (release, environment) with sessions in `query`'s scope, by release.
pub fn releases_and_environments(conn: &Connection, query: &HealthQuery) -> Result<Vec<(String, String)>, StoreError> {
    let (from, args) = scope(query, "session_hours");
    let sql = format!("SELECT DISTINCT h.release, h.environment {from} ORDER BY h.release, h.environment");
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt
        .query_map(params_from_iter(args), |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Counts sessions and users for `query`, one group per distinct key, ordered by key.
pub fn query(conn: &Connection, query: &HealthQuery) -> Result<Vec<HealthGroup>, StoreError> {
    if query.releases.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let interval = query.interval_hours.max(1);
    let buckets = query.buckets();
    let key_of = |project: i64, release: String, environment: String| -> Key {
        (
            query.by.project.then_some(project),
            query.by.release.then_some(release),
            query.by.environment.then_some(environment),
        )
    };
    let mut groups: BTreeMap<Key, (Counts, Vec<Counts>)> = BTreeMap::new();

    let (from, args) = scope(query, "session_hours");
    let sql = format!(
        "SELECT h.project_id, h.release, h.environment, h.hour, h.started, h.errored, h.crashed, h.abnormal, h.unhandled {from}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    while let Some(row) = rows.next()? {
        let key = key_of(row.get(0)?, row.get(1)?, row.get(2)?);
        let bucket = ((row.get::<_, i64>(3)? - query.start_hour) / interval) as usize;
        let counts: [u64; 5] = [
            row.get::<_, i64>(4)?.max(0) as u64,
            row.get::<_, i64>(5)?.max(0) as u64,
            row.get::<_, i64>(6)?.max(0) as u64,
            row.get::<_, i64>(7)?.max(0) as u64,
            row.get::<_, i64>(8)?.max(0) as u64,
        ];
        let (totals, series) =
            groups.entry(key).or_insert_with(|| (Counts::default(), vec![Counts::default(); buckets]));
        totals.add_sessions(counts);
        if let Some(slot) = series.get_mut(bucket) {
            slot.add_sessions(counts);
        }
    }

    let (from, args) = scope(query, "session_users");
    let sql = format!("SELECT h.project_id, h.release, h.environment, h.hour, h.did, h.outcomes {from}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    let mut whole: HashMap<Key, HashMap<String, i64>> = HashMap::new();
    let mut per_bucket: HashMap<(Key, usize), HashMap<String, i64>> = HashMap::new();
    while let Some(row) = rows.next()? {
        let key = key_of(row.get(0)?, row.get(1)?, row.get(2)?);
        let bucket = ((row.get::<_, i64>(3)? - query.start_hour) / interval) as usize;
        let did: String = row.get(4)?;
        let bits: i64 = row.get(5)?;
        *whole.entry(key.clone()).or_default().entry(did.clone()).or_default() |= bits;
        *per_bucket.entry((key, bucket)).or_default().entry(did).or_default() |= bits;
    }
    for (key, users) in &whole {
        let (totals, _) =
            groups.entry(key.clone()).or_insert_with(|| (Counts::default(), vec![Counts::default(); buckets]));
        totals.set_users(users);
    }
    for ((key, bucket), users) in &per_bucket {
        if let Some(slot) = groups.get_mut(key).and_then(|(_, series)| series.get_mut(*bucket)) {
            slot.set_users(users);
        }
    }
    Ok(groups
        .into_iter()
        .map(|((project, release, environment), (totals, series))| HealthGroup {
            project,
            release,
            environment,
            totals,
            series,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::Counts;

    /// The five statuses partition the sessions, and crash-free counts crashes only.
    #[test]
    fn statuses_add_up_and_crash_free_counts_crashes() {
        let counts = Counts {
            sessions: 10,
            errored: 4,
            crashed: 1,
            abnormal: 1,
            unhandled: 1,
            users: 5,
            users_errored: 2,
            users_crashed: 1,
            ..Counts::default()
        };
        let parts: Vec<u64> = super::STATUSES.iter().map(|s| counts.by_status(s, false)).collect();
        assert_eq!(parts, [6, 1, 1, 1, 1]);
        assert_eq!(parts.iter().sum::<u64>(), 10);
        assert_eq!(counts.crash_free(false), Some(0.9));
        assert_eq!(counts.crash_free(true), Some(0.8));
        assert_eq!(Counts::default().crash_free(false), None);
    }
}
