//! What the connected server supports, learned from what it returns.
//!
//! Contract: a feature is `Supported` as soon as one observed issue (list or detail response)
//! carries a non-null value for it (`priority`, `substatus`); `Unsupported` once issues were
//! observed and none carried it; `Unknown` before any issue was seen. `Supported` is sticky
//! (an issue without priority does not revoke it). The client keeps the merged state of all its
//! responses; the UI should offer priority actions only when `supports_priority()` is true.

use super::models::Issue;

/// Tri-state knowledge about one feature.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Support {
    #[default]
    Unknown,
    Supported,
    Unsupported,
}

impl Support {
    fn merge(self, other: Self) -> Self {
        match (self, other) {
            (Self::Supported, _) | (_, Self::Supported) => Self::Supported,
            (Self::Unsupported, _) | (_, Self::Unsupported) => Self::Unsupported,
            _ => Self::Unknown,
        }
    }

    fn from_observation(seen_any: bool, observed: usize) -> Self {
        match (seen_any, observed) {
            (true, _) => Self::Supported,
            (false, 0) => Self::Unknown,
            (false, _) => Self::Unsupported,
        }
    }
}

/// Server capabilities derived from responses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// Issues carry `priority` (Sentry 2024+; not GlitchTip, not older self-hosted).
    pub priority: Support,
    /// Issues carry `substatus` (archive-until-escalating and friends).
    pub substatus: Support,
    /// How many issues these conclusions are based on.
    pub issues_observed: u64,
}

impl Capabilities {
    /// Capabilities evidenced by `issues` alone.
    pub fn from_issues(issues: &[Issue]) -> Self {
        let n = issues.len();
        Self {
            priority: Support::from_observation(issues.iter().any(|i| i.priority.is_some()), n),
            substatus: Support::from_observation(issues.iter().any(|i| i.substatus.is_some()), n),
            issues_observed: n as u64,
        }
    }

    /// Folds `other` into `self`.
    pub fn merge(&mut self, other: Self) {
        self.priority = self.priority.merge(other.priority);
        self.substatus = self.substatus.merge(other.substatus);
        self.issues_observed = self.issues_observed.saturating_add(other.issues_observed);
    }

    /// Records the evidence of `issues`.
    pub fn observe(&mut self, issues: &[Issue]) {
        self.merge(Self::from_issues(issues));
    }

    /// Show priority actions?
    pub fn supports_priority(&self) -> bool {
        self.priority == Support::Supported
    }

    /// Show substatus-based actions (archive until escalating)?
    pub fn supports_substatus(&self) -> bool {
        self.substatus == Support::Supported
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::{Priority, Substatus};

    fn issue(priority: Option<Priority>, substatus: Option<Substatus>) -> Issue {
        Issue { priority, substatus, ..Issue::default() }
    }

    #[test]
    fn detection_and_stickiness() {
        let mut caps = Capabilities::default();
        assert_eq!(caps.priority, Support::Unknown);
        caps.observe(&[]);
        assert_eq!(caps.priority, Support::Unknown);
        caps.observe(&[issue(None, None), issue(None, None)]);
        assert_eq!(caps.priority, Support::Unsupported);
        assert!(!caps.supports_priority());
        caps.observe(&[issue(Some(Priority::High), None)]);
        assert!(caps.supports_priority());
        assert!(!caps.supports_substatus());
        caps.observe(&[issue(None, Some(Substatus::Ongoing))]);
        caps.observe(&[issue(None, None)]);
        assert!(caps.supports_priority() && caps.supports_substatus());
        assert_eq!(caps.issues_observed, 5);
    }
}
