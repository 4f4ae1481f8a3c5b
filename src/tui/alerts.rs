//! The Alerts screen (`!`, or `:alerts`): every project's alert rules with their last firing
//! and its delivery state (sent, retrying, failed with the reason), the log of recent firings,
//! and the outbox's counts. On sift's server a rule can be created and edited in a form
//! ([`super::alerts_form`]), enabled and disabled, and sent a test notification; Enter on a
//! firing opens its issue (through the list, as the standup screen does). Against a remote
//! Sentry the rules are listed read-only and there is no log.
//!
//! [`Watch`] is the console's own notification: on sift's server, each poll asks for firings
//! after the last one seen, and those of rules with the console action ring the bell (and send
//! OSC 9) when `[console]` asks for it.

use super::alerts_form::RuleForm;
use super::screen::ListView;
use super::state::{Load, ReqId};
use crate::api::{AlertFiring, AlertRule, OutboxSummary};

/// Which half of the screen has the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Rules,
    Log,
}

/// A rule with the slug of its project.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleRow {
    pub project: String,
    pub rule: AlertRule,
}

/// What one load of the screen brings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertsData {
    pub rules: Vec<RuleRow>,
    /// `None` against a server without a firing log (a remote Sentry).
    pub firings: Option<Vec<AlertFiring>>,
    pub outbox: Option<OutboxSummary>,
}

#[derive(Debug, Clone, Default)]
pub struct AlertsScreen {
    pub data: Load<AlertsData>,
    /// The load awaited.
    pub req: Option<ReqId>,
    pub last_load: Option<chrono::DateTime<chrono::Utc>>,
    pub pane: Pane,
    pub rule_cursor: usize,
    pub log_cursor: usize,
    /// Read-only: a remote Sentry's rules.
    pub remote: bool,
    pub form: Option<RuleForm>,
    /// A rule change (enable, disable) or test in flight.
    pub pending: Option<ReqId>,
    /// Set while an issue opened from the log is shown: the list to put back.
    pub away: Option<ListView>,
    /// The issue waited for in the list, to open when it arrives.
    pub opening: Option<String>,
}

impl AlertsScreen {
    /// Whether the screen is showing (not away at an opened issue).
    pub fn showing(&self) -> bool {
        self.away.is_none()
    }

    pub fn rules(&self) -> &[RuleRow] {
        self.data.ready().map_or(&[], |d| d.rules.as_slice())
    }

    pub fn firings(&self) -> &[AlertFiring] {
        self.data.ready().and_then(|d| d.firings.as_deref()).unwrap_or(&[])
    }

    pub fn current_rule(&self) -> Option<&RuleRow> {
        self.rules().get(self.rule_cursor)
    }

    pub fn current_firing(&self) -> Option<&AlertFiring> {
        self.firings().get(self.log_cursor)
    }
}

/// The console's own alert: which firings it has already seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Watch {
    /// The newest firing seen; `None` until the first poll set the starting point.
    pub seen: Option<i64>,
    pub inflight: bool,
}
