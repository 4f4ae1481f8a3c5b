//! What a starting server does for alerts: writes config.toml's rules and the outbox's bound
//! into the store (before the writer runs), then starts the delivery worker beside the server.

use std::sync::Arc;

use anyhow::{Context, Result};
use rusqlite::Connection;

use super::config::AlertsConfig;
use crate::store::alerts::{META_OUTBOX_LIMIT, rules};
use crate::store::{Store, projects};

/// Makes the store's config rules those of `config` and records the outbox bound. A rule for a
/// project that does not exist stops the start, naming both.
pub fn apply_config(conn: &mut Connection, config: &AlertsConfig) -> Result<()> {
    let known = projects::list_projects(conn)?;
    let mut resolved = Vec::new();
    for rule in config.rules().map_err(|err| anyhow::anyhow!("invalid configuration: {err}"))? {
        let project = known.iter().find(|p| p.slug == rule.project).with_context(|| {
            format!(
                "invalid configuration: [[alerts.rules]] {:?} is for project {:?}, which does not exist (see `sift projects list`)",
                rule.rule.rule.name, rule.project
            )
        })?;
        resolved.push((project.id, rule.rule));
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    rules::sync_config(&tx, &resolved, crate::store::now())?;
    projects::set_meta(&tx, META_OUTBOX_LIMIT, &config.delivery.outbox_limit.to_string())?;
    tx.commit()?;
    Ok(())
}

/// Starts the delivery worker for `store` (on the current runtime); it runs until the runtime stops.
pub fn worker(store: &Store, config: &Arc<AlertsConfig>) -> Result<()> {
    super::deliver::spawn(store.clone(), config.clone()).map_err(anyhow::Error::msg)?;
    Ok(())
}

/// A warning when config.toml holds alert secrets (the SMTP password, webhook URLs or signing
/// secrets of its rules) and group or others can read it.
pub fn readable_secrets(path: &std::path::Path, config: &AlertsConfig) -> Option<String> {
    let has_secrets = config.smtp.as_ref().is_some_and(|s| s.password().is_some())
        || config.rules().is_ok_and(|rules| rules.iter().any(|r| r.rule.secrets.iter().any(|s| !s.is_empty())));
    if !has_secrets {
        return None;
    }
    crate::profiles::secret_file_warning(path).map(|_| {
        format!(
            "{} holds alert secrets but is readable by other users; run `chmod 600 {}`",
            path.display(),
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn a_readable_config_with_alert_secrets_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let text = "[alerts.smtp]\nhost = \"h\"\nusername = \"u\"\npassword = \"pw\"\nfrom = \"a@b.example\"\n";
        std::fs::write(&path, text).unwrap();
        let config = crate::config::Config::parse(text).unwrap().alerts;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let warning = super::readable_secrets(&path, &config).unwrap();
        assert!(warning.contains("chmod 600") && !warning.contains("pw\""), "{warning}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(super::readable_secrets(&path, &config), None);
        let none = crate::config::Config::parse("").unwrap().alerts;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(super::readable_secrets(&path, &none), None, "no secrets, nothing to say");
    }
}
