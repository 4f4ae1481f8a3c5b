//! Rules as stored: the rule in Sentry's JSON shape (without secrets) in `alert_rules.rule`, and
//! each action's secrets in `alert_secrets`, which only the delivery worker reads out. Writes
//! take a transaction (the writer's, for the Web API; an admin one for config.toml at start).

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::Origin;
use crate::alerts::parse;
use crate::alerts::render;
use crate::alerts::rule::{ActionSecrets, RuleWithSecrets};
use crate::profiles::Secret;
use crate::store::StoreError;

/// The rule a new project starts with: new and regressed issues ring the console, as the console
/// did by itself before rules.
pub const DEFAULT_RULE: &str = r#"{"name":"New or regressed issues","actionMatch":"any","filterMatch":"all","frequency":5,"conditions":[{"id":"first_seen"},{"id":"regression"}],"actions":[{"id":"console"}]}"#;

/// A rule with where it lives.
#[derive(Debug, Clone)]
pub struct StoredRule {
    pub id: i64,
    pub project_id: i64,
    pub project_slug: String,
    pub origin: Origin,
    pub rule: RuleWithSecrets,
    pub date_created: f64,
    pub date_modified: f64,
}

const SELECT: &str = "SELECT r.id, r.project_id, p.slug, r.origin, r.rule, r.date_created, r.date_modified
    FROM alert_rules r JOIN projects p ON p.id = r.project_id";

fn read(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<StoredRule>, StoreError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows: Vec<(i64, i64, String, String, String, f64, f64)> = stmt
        .query_map(args, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
        .collect::<Result<_, _>>()?;
    let mut found = Vec::with_capacity(rows.len());
    for (id, project_id, project_slug, origin, text, date_created, date_modified) in rows {
        let json: serde_json::Value = serde_json::from_str(&text)?;
        let mut rule = match parse::rule(&json) {
            Ok(rule) => rule,
            Err(err) => {
                // A rule this build cannot read is skipped, not fatal: it stays stored as it was.
                tracing::warn!(rule = id, %err, "stored alert rule is unreadable; skipped");
                continue;
            }
        };
        rule.secrets = secrets(conn, id, rule.rule.actions.len())?;
        found.push(StoredRule {
            id,
            project_id,
            project_slug,
            origin: Origin::parse(&origin),
            rule,
            date_created,
            date_modified,
        });
    }
    Ok(found)
}

fn secrets(conn: &Connection, rule_id: i64, actions: usize) -> Result<Vec<ActionSecrets>, StoreError> {
    let mut all = vec![ActionSecrets::default(); actions];
    let mut stmt = conn.prepare_cached("SELECT action, url, signing_secret FROM alert_secrets WHERE rule_id = ?1")?;
    let rows = stmt.query_map(params![rule_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
    })?;
    for row in rows {
        let (action, url, signing_secret) = row?;
        if let Some(slot) = usize::try_from(action).ok().and_then(|i| all.get_mut(i)) {
            *slot = ActionSecrets { url: url.map(Secret::new), signing_secret: signing_secret.map(Secret::new) };
        }
    }
    Ok(all)
}

/// Every rule (of one project, when given), oldest first.
pub fn list(conn: &Connection, project_id: Option<i64>) -> Result<Vec<StoredRule>, StoreError> {
    match project_id {
        Some(project) => read(conn, &format!("{SELECT} WHERE r.project_id = ?1 ORDER BY r.id"), params![project]),
        None => read(conn, &format!("{SELECT} ORDER BY r.id"), []),
    }
}

/// One rule by id.
pub fn get(conn: &Connection, id: i64) -> Result<Option<StoredRule>, StoreError> {
    Ok(read(conn, &format!("{SELECT} WHERE r.id = ?1"), params![id])?.into_iter().next())
}

fn write_secrets(tx: &Transaction<'_>, rule_id: i64, secrets: &[ActionSecrets]) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM alert_secrets WHERE rule_id = ?1")?.execute(params![rule_id])?;
    for (i, secret) in secrets.iter().enumerate().filter(|(_, s)| !s.is_empty()) {
        tx.prepare_cached("INSERT INTO alert_secrets (rule_id, action, url, signing_secret) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![
                rule_id,
                i as i64,
                secret.url.as_ref().map(Secret::expose),
                secret.signing_secret.as_ref().map(Secret::expose)
            ])?;
    }
    Ok(())
}

/// Stores a new rule; returns its id.
pub fn insert(
    tx: &Transaction<'_>,
    project_id: i64,
    origin: Origin,
    rule: &RuleWithSecrets,
    now: f64,
) -> Result<i64, StoreError> {
    let text = render::rule(&rule.rule, &[]).to_string();
    tx.prepare_cached(
        "INSERT INTO alert_rules (project_id, name, origin, rule, date_created, date_modified)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![project_id, rule.rule.name, origin.as_str(), text, now])?;
    let id = tx.last_insert_rowid();
    write_secrets(tx, id, &rule.secrets)?;
    Ok(id)
}

/// Replaces rule `id` (its conditions, actions and secrets). A changed rule starts its action
/// intervals afresh, as a new rule would.
pub fn update(tx: &Transaction<'_>, id: i64, rule: &RuleWithSecrets, now: f64) -> Result<(), StoreError> {
    let text = render::rule(&rule.rule, &[]).to_string();
    let changed = tx
        .prepare_cached("UPDATE alert_rules SET name = ?2, rule = ?3, date_modified = ?4 WHERE id = ?1")?
        .execute(params![id, rule.rule.name, text, now])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("rule {id}")));
    }
    write_secrets(tx, id, &rule.secrets)?;
    tx.prepare_cached("DELETE FROM alert_last_fired WHERE rule_id = ?1")?.execute(params![id])?;
    Ok(())
}

/// Deletes rule `id`; its firings stay in the log under its name.
pub fn delete(tx: &Transaction<'_>, id: i64) -> Result<(), StoreError> {
    if tx.prepare_cached("DELETE FROM alert_rules WHERE id = ?1")?.execute(params![id])? == 0 {
        return Err(StoreError::NotFound(format!("rule {id}")));
    }
    Ok(())
}

/// Gives a new project the default rule.
pub fn insert_default(tx: &Transaction<'_>, project_id: i64, now: f64) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO alert_rules (project_id, name, origin, rule, date_created, date_modified)
         VALUES (?1, 'New or regressed issues', 'default', ?2, ?3, ?3)",
    )?
    .execute(params![project_id, DEFAULT_RULE, now])?;
    Ok(())
}

/// Makes the config.toml rules exactly `rules` (project id, rule): a rule keeps its id (and so
/// its log and action intervals) while its project and name stay, is updated in place when its
/// content changed, and config rules no longer written are deleted.
pub fn sync_config(tx: &Transaction<'_>, rules: &[(i64, RuleWithSecrets)], now: f64) -> Result<(), StoreError> {
    let mut kept = Vec::new();
    for (project_id, rule) in rules {
        let existing: Option<(i64, String)> = tx
            .prepare_cached(
                "SELECT id, rule FROM alert_rules WHERE project_id = ?1 AND name = ?2 AND origin = 'config'",
            )?
            .query_row(params![project_id, rule.rule.name], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let id = match existing {
            Some((id, text))
                if serde_json::from_str::<serde_json::Value>(&text).ok() == Some(render::rule(&rule.rule, &[])) =>
            {
                write_secrets(tx, id, &rule.secrets)?;
                id
            }
            Some((id, _)) => {
                update(tx, id, rule, now)?;
                id
            }
            None => insert(tx, *project_id, Origin::Config, rule, now)?,
        };
        kept.push(id);
    }
    let mut stmt = tx.prepare_cached("SELECT id FROM alert_rules WHERE origin = 'config'")?;
    let all: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    for id in all.into_iter().filter(|id| !kept.contains(id)) {
        delete(tx, id)?;
    }
    Ok(())
}
