//! `[alerts]` in config.toml: how deliveries are retried and bounded (`[alerts.delivery]`), the
//! SMTP server emails go through (`[alerts.smtp]`), and rules written as files
//! (`[[alerts.rules]]`, each a table in Sentry's rule shape plus the `project` slug it belongs
//! to). Rules are checked when the file is loaded, with the rule parser the Web API uses, so a
//! bad rule stops sift at start with the same message a POST would get; they are written into
//! the store at every server start ([`crate::store::alerts::rules::sync_config`]).

use std::fmt;

use serde::Deserialize;

use super::parse::{self, RuleError};
use super::rule::RuleWithSecrets;
use crate::profiles::Secret;

/// The whole `[alerts]` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertsConfig {
    pub delivery: DeliveryConfig,
    pub smtp: Option<SmtpConfig>,
    /// `[[alerts.rules]]` as written; see [`AlertsConfig::rules`].
    #[serde(rename = "rules")]
    pub rule_tables: Vec<toml::Table>,
}

/// `[alerts.delivery]`: the retry policy and the outbox's bound.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeliveryConfig {
    /// Seconds one attempt may take (connect, send, answer) before it counts as failed.
    pub attempt_timeout_secs: u64,
    /// Seconds before the first retry; each later retry waits twice as long as the one before.
    pub retry_base_secs: u64,
    /// The longest wait between two attempts.
    pub retry_max_secs: u64,
    /// Seconds after the firing when a delivery that keeps failing is given up.
    pub give_up_after_secs: u64,
    /// Pending deliveries the outbox holds; past it, the oldest pending one is dropped.
    pub outbox_limit: u64,
    /// Deliveries sent at once.
    pub concurrency: usize,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            attempt_timeout_secs: 10,
            retry_base_secs: 10,
            retry_max_secs: 900,
            give_up_after_secs: 86_400,
            outbox_limit: crate::store::alerts::DEFAULT_OUTBOX_LIMIT,
            concurrency: 4,
        }
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (port 587); refused when the server cannot.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption (port 25): for a relay on the same machine or a test server.
    None,
}

/// `[alerts.smtp]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// Defaults by `security`: 587, 465 or 25.
    pub port: Option<u16>,
    #[serde(default = "default_security")]
    pub security: Security,
    pub username: Option<String>,
    /// A secret: never logged or shown.
    password: Option<String>,
    /// The sender, `sift <alerts@example.com>` or a bare address.
    pub from: String,
}

fn default_security() -> Security {
    Security::Starttls
}

impl SmtpConfig {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.security {
            Security::Starttls => 587,
            Security::Tls => 465,
            Security::None => 25,
        })
    }

    pub fn password(&self) -> Option<Secret> {
        self.password.clone().map(Secret::new)
    }

    fn check(&self) -> Result<(), String> {
        if self.host.trim().is_empty() {
            return Err("[alerts.smtp] host is empty".into());
        }
        if self.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(format!(
                "[alerts.smtp] from: {:?} is not an address (write `Name <a@b.example>` or `a@b.example`)",
                self.from
            ));
        }
        if self.username.is_some() != self.password.is_some() {
            return Err("[alerts.smtp] username and password go together: give both or neither".into());
        }
        Ok(())
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port())
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .finish()
    }
}

/// A rule from config.toml, checked, with the slug of its project.
#[derive(Debug, Clone)]
pub struct ConfigRule {
    pub project: String,
    pub rule: RuleWithSecrets,
}

impl AlertsConfig {
    /// Checks the whole section; the message names the rule by position and name.
    pub fn check(&self) -> Result<(), String> {
        if let Some(smtp) = &self.smtp {
            smtp.check()?;
        }
        let d = &self.delivery;
        if d.attempt_timeout_secs == 0 || d.retry_base_secs == 0 || d.concurrency == 0 || d.outbox_limit == 0 {
            return Err("[alerts.delivery] attempt_timeout_secs, retry_base_secs, concurrency and outbox_limit must be at least 1".into());
        }
        if d.retry_max_secs < d.retry_base_secs {
            return Err("[alerts.delivery] retry_max_secs must be at least retry_base_secs".into());
        }
        self.rules().map(|_| ())
    }

    /// The `[[alerts.rules]]`, parsed.
    pub fn rules(&self) -> Result<Vec<ConfigRule>, String> {
        let mut rules: Vec<ConfigRule> = Vec::new();
        for (i, table) in self.rule_tables.iter().enumerate() {
            let mut json = serde_json::to_value(table).map_err(|e| format!("[[alerts.rules]] #{}: {e}", i + 1))?;
            let name = json.get("name").and_then(|n| n.as_str()).map(|n| format!(" ({n:?})")).unwrap_or_default();
            let place = format!("[[alerts.rules]] #{}{name}", i + 1);
            let project = match json.as_object_mut().and_then(|o| o.remove("project")) {
                Some(serde_json::Value::String(project)) => project,
                _ => return Err(format!("{place}: project is required: the slug of the project the rule watches")),
            };
            let mut rule = parse::rule(&json).map_err(|RuleError(e)| format!("{place}: {e}"))?;
            parse::require_secrets(&mut rule, None).map_err(|RuleError(e)| format!("{place}: {e}"))?;
            if rules.iter().any(|r| r.project == project && r.rule.rule.name == rule.rule.name) {
                return Err(format!("{place}: another rule of project {project:?} has this name"));
            }
            rules.push(ConfigRule { project, rule });
        }
        Ok(rules)
    }

    /// Whether emails can be sent (an email action needs it).
    pub fn has_smtp(&self) -> bool {
        self.smtp.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<AlertsConfig, String> {
        let config: AlertsConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        config.check()?;
        Ok(config)
    }

    #[test]
    fn rules_are_checked_at_load_with_the_api_parser() {
        let config = parse(
            r##"
            [[rules]]
            project = "default"
            name = "New issues to Slack"
            conditions = [{ id = "first_seen" }]
            actions = [{ id = "slack", webhookUrl = "https://hooks.slack.example/services/T/B/x", channel = "#bugs" }]
            "##,
        )
        .unwrap();
        let rules = config.rules().unwrap();
        assert_eq!(rules[0].project, "default");
        assert_eq!(rules[0].rule.rule.frequency_mins, 30);

        let err = parse("[[rules]]\nproject = \"default\"\nname = \"x\"\nconditions = [{ id = \"nope\" }]\nactions = [{ id = \"console\" }]\n")
            .unwrap_err();
        assert!(err.starts_with("[[alerts.rules]] #1 (\"x\"): conditions[0]: unknown condition \"nope\""), "{err}");
        let err = parse(
            "[[rules]]\nname = \"x\"\nconditions = [{ id = \"first_seen\" }]\nactions = [{ id = \"console\" }]\n",
        )
        .unwrap_err();
        assert!(err.contains("project is required"), "{err}");
    }

    #[test]
    fn a_webhook_without_its_secret_or_a_bad_url_is_refused_without_quoting_it() {
        let text = "[[rules]]\nproject = \"p\"\nname = \"w\"\nconditions = [{ id = \"first_seen\" }]\n";
        let err = parse(&format!("{text}actions = [{{ id = \"webhook\", url = \"https://hook.example/x\" }}]\n"))
            .unwrap_err();
        assert!(err.contains("needs secret"), "{err}");
        let err = parse(&format!(
            "{text}actions = [{{ id = \"webhook\", url = \"ftp://hush.example/x\", secret = \"0123456789\" }}]\n"
        ))
        .unwrap_err();
        assert!(err.contains("http(s) URL") && !err.contains("hush"), "{err}");
    }

    #[test]
    fn smtp_settings_are_checked_and_the_password_never_shows() {
        let config = parse(
            "[smtp]\nhost = \"127.0.0.1\"\nsecurity = \"none\"\nusername = \"u\"\npassword = \"hunter22\"\nfrom = \"sift <alerts@example.com>\"\n",
        )
        .unwrap();
        let smtp = config.smtp.as_ref().unwrap();
        assert_eq!(smtp.port(), 25);
        assert!(!format!("{config:?}").contains("hunter22"));
        let err = parse("[smtp]\nhost = \"h\"\nfrom = \"not an address\"\n").unwrap_err();
        assert!(err.contains("from"), "{err}");
        let err = parse("[smtp]\nhost = \"h\"\nusername = \"u\"\nfrom = \"a@b.example\"\n").unwrap_err();
        assert!(err.contains("go together"), "{err}");
    }
}
