//! The writer's part of alerting: for each stored event, the enabled rules of its project are
//! evaluated ([`crate::alerts::engine`]) inside the batch's transaction, and a firing is written
//! there too, with one outbox row per action that sends something. So a firing commits exactly
//! when the event that caused it commits: a crash loses both or neither.
//!
//! [`AlertCache`] keeps the enabled rules per project, each rule's last firing per issue (the
//! action interval; misses are cached too) and the outbox's pending count, across batches. It is
//! cleared with the rest of the writer's cache (after every Web API write, which is how rule
//! changes arrive, and after a failed batch), so it never outlives what it mirrors. An event of
//! a project without rules costs one hash lookup.
//!
//! The outbox is bounded: when it holds its limit of pending deliveries, the oldest pending one
//! is dropped (kept in the log as `dropped`, with the reason) and counted in `meta`.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Value, json};

use super::{DEFAULT_OUTBOX_LIMIT, META_OUTBOX_DROPPED, META_OUTBOX_LIMIT};
use crate::alerts::engine::{self, Counts, EventFacts};
use crate::alerts::rule::{Action, Category, Kind, Rule};
use crate::lifecycle::{Substatus, Transition};
use crate::store::StoreError;
use crate::store::group_row::GroupRow;
use crate::store::short_id;
use crate::store::types::NewEvent;

/// Firings kept in the log; older ones go (unless a delivery of theirs is still pending).
const KEEP_FIRINGS: i64 = 1_000;

struct CachedRule {
    id: i64,
    rule: Rule,
}

/// What the writer remembers about rules between batches (see the module docs).
#[derive(Default)]
pub struct AlertCache {
    loaded: bool,
    rules: HashMap<i64, Vec<Arc<CachedRule>>>,
    /// Project id to (project slug, organization slug).
    projects: HashMap<i64, (String, String)>,
    last_fired: HashMap<(i64, i64), Option<f64>>,
    outbox: Outbox,
    /// A firing with deliveries was written since the flag was last taken.
    fired: bool,
}

/// The outbox's bound and what it holds now.
#[derive(Default)]
pub struct Outbox {
    pending: Option<u64>,
    limit: u64,
}

impl AlertCache {
    pub fn clear(&mut self) {
        *self = Self { fired: self.fired, ..Self::default() };
    }

    /// Whether deliveries were queued since the last call (the writer wakes the worker after
    /// the commit).
    pub fn take_fired(&mut self) -> bool {
        std::mem::take(&mut self.fired)
    }

    fn load(&mut self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        let mut rules: HashMap<i64, Vec<Arc<CachedRule>>> = HashMap::new();
        for stored in super::rules::list(tx, None)? {
            if stored.rule.rule.enabled {
                rules
                    .entry(stored.project_id)
                    .or_default()
                    .push(Arc::new(CachedRule { id: stored.id, rule: stored.rule.rule }));
            }
        }
        let mut stmt =
            tx.prepare_cached("SELECT p.id, p.slug, o.slug FROM projects p JOIN organizations o ON o.id = p.org_id")?;
        let projects = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, (r.get::<_, String>(1)?, r.get::<_, String>(2)?))))?
            .collect::<Result<HashMap<_, _>, _>>()?;
        *self = Self {
            loaded: true,
            rules,
            projects,
            last_fired: HashMap::new(),
            outbox: Outbox { pending: None, limit: outbox_limit(tx)? },
            fired: self.fired,
        };
        Ok(())
    }
}

/// The configured bound of the outbox.
pub fn outbox_limit(conn: &rusqlite::Connection) -> Result<u64, StoreError> {
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row(params![META_OUTBOX_LIMIT], |r| r.get(0))
        .optional()?;
    Ok(text.and_then(|t| t.parse().ok()).unwrap_or(DEFAULT_OUTBOX_LIMIT).max(1))
}

/// What the event did to its issue, for the rules.
pub struct Outcome<'a> {
    pub group_id: i64,
    pub group: &'a GroupRow,
    pub new_issue: bool,
    pub transition: Option<&'a Transition>,
}

/// Evaluates the project's rules for `event` and records their firings.
pub fn on_event(
    tx: &Transaction<'_>,
    cache: &mut AlertCache,
    event: &NewEvent,
    outcome: &Outcome<'_>,
) -> Result<(), StoreError> {
    if !cache.loaded {
        cache.load(tx)?;
    }
    let Some(rules) = cache.rules.get(&event.project_id).cloned() else {
        return Ok(());
    };
    let escalated = matches!(
        outcome.transition,
        Some(Transition::Escalated { .. } | Transition::Unignored { substatus: Substatus::Escalating })
    );
    let facts = EventFacts {
        level: &event.level,
        environment: event.environment.as_deref(),
        tags: &event.tags,
        category: Category::Error,
        new_issue: outcome.new_issue,
        regressed: matches!(outcome.transition, Some(Transition::Regressed { .. })),
        escalated,
        now: event.received,
    };
    let counts = WriterCounts { tx, group_id: outcome.group_id };
    for cached in rules {
        let key = (cached.id, outcome.group_id);
        let last_fired = || -> Option<f64> {
            if let Some(known) = cache.last_fired.get(&key) {
                return *known;
            }
            let found = last_fired(tx, key).unwrap_or_else(|err| {
                tracing::warn!(%err, "reading a rule's last firing failed");
                None
            });
            cache.last_fired.insert(key, found);
            found
        };
        let Some(fired) = engine::evaluate(&cached.rule, &facts, last_fired, &counts) else {
            continue;
        };
        let (slug, org) = cache.projects.get(&event.project_id).cloned().unwrap_or_default();
        let short: i64 = tx
            .prepare_cached("SELECT short_id FROM groups WHERE id = ?1")?
            .query_row(params![outcome.group_id], |r| r.get(0))?;
        let group = outcome.group;
        let context = json!({
            "title": group.title,
            "culprit": group.culprit,
            "level": event.level,
            "shortId": short_id::format(&slug, short.max(0) as u64),
            "issueId": outcome.group_id.to_string(),
            "timesSeen": group.times_seen,
            "userCount": group.user_count,
            "environment": event.environment,
            "release": event.release,
            "platform": event.platform,
            "project": slug,
            "org": org,
            "firstSeen": group.first_seen,
            "lastSeen": group.last_seen,
        });
        let firing = Firing {
            rule_id: cached.id,
            rule: &cached.rule,
            project_id: event.project_id,
            group_id: Some(outcome.group_id),
            event_id: Some(&event.event_id),
            reason: &fired.reason,
            test: false,
            now: event.received,
            context,
        };
        if record(tx, &firing, &mut cache.outbox)?.1 > 0 {
            cache.fired = true;
        }
        tx.prepare_cached(
            "INSERT INTO alert_last_fired (rule_id, group_id, fired_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (rule_id, group_id) DO UPDATE SET fired_at = excluded.fired_at",
        )?
        .execute(params![key.0, key.1, event.received])?;
        cache.last_fired.insert(key, Some(event.received));
    }
    Ok(())
}

fn last_fired(tx: &Transaction<'_>, (rule, group): (i64, i64)) -> Result<Option<f64>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT fired_at FROM alert_last_fired WHERE rule_id = ?1 AND group_id = ?2")?
        .query_row(params![rule, group], |r| r.get(0))
        .optional()?)
}

/// One firing to record.
pub struct Firing<'a> {
    pub rule_id: i64,
    pub rule: &'a Rule,
    pub project_id: i64,
    pub group_id: Option<i64>,
    pub event_id: Option<&'a str>,
    pub reason: &'a str,
    pub test: bool,
    pub now: f64,
    /// What the messages show: title, short id, counts, environment, release, project, org.
    pub context: Value,
}

/// Writes a firing and its outbox rows; returns the firing's id and how many deliveries it
/// queued.
pub fn record(tx: &Transaction<'_>, firing: &Firing<'_>, outbox: &mut Outbox) -> Result<(i64, usize), StoreError> {
    let kinds: Vec<(usize, Kind)> = firing.rule.actions.iter().map(Action::kind).enumerate().collect();
    let mut context = firing.context.clone();
    if let Some(obj) = context.as_object_mut() {
        obj.insert("actions".into(), kinds.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>().into());
    }
    let key = uuid::Uuid::new_v4().simple().to_string();
    tx.prepare_cached(
        "INSERT INTO alert_firings (key, rule_id, rule_name, project_id, group_id, event_id, reason, test, fired_at, context)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        key,
        firing.rule_id,
        firing.rule.name,
        firing.project_id,
        firing.group_id,
        firing.event_id,
        firing.reason,
        firing.test,
        firing.now,
        context.to_string()
    ])?;
    let firing_id = tx.last_insert_rowid();
    let mut queued = 0;
    for (index, kind) in kinds.into_iter().filter(|(_, k)| *k != Kind::Console) {
        make_room(tx, outbox, firing.now)?;
        tx.prepare_cached(
            "INSERT INTO alert_deliveries (firing_id, action, kind, next_attempt, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        )?
        .execute(params![firing_id, index as i64, kind.as_str(), firing.now])?;
        outbox.pending = outbox.pending.map(|n| n + 1);
        queued += 1;
    }
    if firing_id % 100 == 0 {
        tx.prepare_cached(
            "DELETE FROM alert_firings WHERE id <= ?1
               AND id NOT IN (SELECT firing_id FROM alert_deliveries WHERE state = 'pending')",
        )?
        .execute(params![firing_id - KEEP_FIRINGS])?;
    }
    Ok((firing_id, queued))
}

/// Drops the oldest pending delivery when the outbox is full.
fn make_room(tx: &Transaction<'_>, outbox: &mut Outbox, now: f64) -> Result<(), StoreError> {
    if outbox.limit == 0 {
        outbox.limit = outbox_limit(tx)?;
    }
    let pending = match outbox.pending {
        Some(n) => n,
        None => {
            let n: i64 = tx
                .prepare_cached("SELECT count(*) FROM alert_deliveries WHERE state = 'pending'")?
                .query_row([], |r| r.get(0))?;
            n.max(0) as u64
        }
    };
    outbox.pending = Some(pending);
    if pending < outbox.limit {
        return Ok(());
    }
    let dropped = tx
        .prepare_cached(
            "UPDATE alert_deliveries SET state = 'dropped', last_error = ?1, updated_at = ?2
             WHERE id = (SELECT id FROM alert_deliveries WHERE state = 'pending' ORDER BY id LIMIT 1)",
        )?
        .execute(params![format!("dropped: the outbox was full ({} pending deliveries)", outbox.limit), now])?;
    if dropped > 0 {
        tx.prepare_cached(
            "INSERT INTO meta (key, value) VALUES (?1, '1')
             ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
        )?
        .execute(params![META_OUTBOX_DROPPED])?;
        outbox.pending = Some(pending - 1);
    }
    Ok(())
}

/// Answers the counting conditions from the writer's transaction.
struct WriterCounts<'a> {
    tx: &'a Transaction<'a>,
    group_id: i64,
}

impl WriterCounts<'_> {
    fn count(&self, sql: &str, since: f64, limit: u64) -> u64 {
        let result: rusqlite::Result<i64> = self.tx.prepare_cached(sql).and_then(|mut stmt| {
            stmt.query_row(params![self.group_id, since, i64::try_from(limit).unwrap_or(i64::MAX)], |r| r.get(0))
        });
        result.map_or_else(
            |err| {
                tracing::warn!(%err, "alert condition count failed");
                0
            },
            |n| n.max(0) as u64,
        )
    }
}

impl Counts for WriterCounts<'_> {
    fn events_since(&self, since: f64, limit: u64) -> u64 {
        self.count(
            "SELECT count(*) FROM (SELECT 1 FROM events WHERE group_id = ?1 AND timestamp >= ?2 LIMIT ?3)",
            since,
            limit,
        )
    }

    fn users_since(&self, since: f64, limit: u64) -> u64 {
        self.count(
            "SELECT count(*) FROM (SELECT 1 FROM group_users WHERE group_id = ?1 AND last_seen >= ?2 LIMIT ?3)",
            since,
            limit,
        )
    }
}

/// Records a test firing of `rule` (from the console or `sift alerts test`): about the
/// project's most recently seen issue, or about no issue when it has none. It goes through the
/// outbox like any other firing. Returns the firing's id.
pub fn record_test(
    tx: &Transaction<'_>,
    rule_id: i64,
    rule: &Rule,
    project_id: i64,
    now: f64,
) -> Result<i64, StoreError> {
    let (slug, org): (String, String) = tx
        .prepare_cached(
            "SELECT p.slug, o.slug FROM projects p JOIN organizations o ON o.id = p.org_id WHERE p.id = ?1",
        )?
        .query_row(params![project_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let latest = tx
        .prepare_cached(
            "SELECT id, short_id, title, culprit, level, times_seen, user_count, last_release, platform
             FROM groups WHERE project_id = ?1 ORDER BY last_seen DESC LIMIT 1",
        )?
        .query_row(params![project_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })
        .optional()?;
    let (group_id, event_id, context) = match latest {
        Some((id, short, title, culprit, level, times_seen, user_count, release, platform)) => {
            let (event_id, environment): (Option<String>, Option<String>) = tx
                .prepare_cached(
                    "SELECT event_id, environment FROM events WHERE group_id = ?1 ORDER BY timestamp DESC LIMIT 1",
                )?
                .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .unwrap_or_default();
            let context = json!({
                "title": title, "culprit": culprit, "level": level,
                "shortId": short_id::format(&slug, short.max(0) as u64), "issueId": id.to_string(),
                "timesSeen": times_seen, "userCount": user_count, "environment": environment,
                "release": release, "platform": platform, "project": slug, "org": org,
            });
            (Some(id), event_id, context)
        }
        None => (
            None,
            None,
            json!({ "title": "Test notification from sift", "level": "info", "project": slug, "org": org }),
        ),
    };
    let firing = Firing {
        rule_id,
        rule,
        project_id,
        group_id,
        event_id: event_id.as_deref(),
        reason: "a test notification",
        test: true,
        now,
        context,
    };
    Ok(record(tx, &firing, &mut Outbox::default())?.0)
}
