//! The body of an issue update (`PUT .../issues/{id}/` and bulk `PUT .../issues/?id=..`).
//!
//! Contract: `IssueUpdate` serializes only the members that were set, with the schema's names
//! and shapes: `status` (`resolved|resolvedInNextRelease|unresolved|ignored|muted`),
//! `statusDetails` (`inRelease`, `inNextRelease`, `inCommit`, `ignoreDuration`, `ignoreCount`,
//! `ignoreWindow`, `ignoreUserCount`, `ignoreUserWindow`, plus `untilEscalating` which newer
//! Sentry honours), `substatus`, `priority`, `assignedTo` (a string; `""` unassigns),
//! `isBookmarked`, `hasSeen`, `isSubscribed`, `isPublic`, `inbox`. Windows are limited to one
//! week (10080 minutes) as the schema requires; `validate` reports violations and empty updates.
//! "Archive until escalating" is `status=ignored` + `substatus=archived_until_escalating`
//! (`statusDetails.ignoreUntilEscalating` is output-only activity data and is never sent).

use serde::{Serialize, Serializer};

use super::error::Error;
use super::models::{Assignee, AssigneeKind, Issue, IssueStatus, Priority, StatusDetails, Substatus, UpdateStatus};

mod restore;

/// Longest `ignoreWindow` / `ignoreUserWindow` the schema allows (one week, in minutes).
pub const MAX_IGNORE_WINDOW_MINUTES: u32 = 10_080;

/// Who to assign an issue to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignTarget {
    /// `user:<id>`.
    User(String),
    /// `team:<id>`.
    Team(String),
    /// A username, an email or a bare user id, sent verbatim.
    Name(String),
    /// `""`: unassign.
    Nobody,
}

impl AssignTarget {
    /// The `assignedTo` wire value.
    pub fn wire_value(&self) -> String {
        match self {
            Self::User(id) => format!("user:{id}"),
            Self::Team(id) => format!("team:{id}"),
            Self::Name(s) => s.clone(),
            Self::Nobody => String::new(),
        }
    }
}

impl Serialize for AssignTarget {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.wire_value())
    }
}

/// `inCommit` of a resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InCommit {
    pub commit: String,
    pub repository: String,
}

/// `statusDetails` of an update.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusDetailsUpdate {
    /// A release version, or `"latest"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_release: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_next_release: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_commit: Option<InCommit>,
    /// Minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_duration: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_count: Option<u32>,
    /// Minutes, at most [`MAX_IGNORE_WINDOW_MINUTES`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_window: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_user_count: Option<u32>,
    /// Minutes, at most [`MAX_IGNORE_WINDOW_MINUTES`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_user_window: Option<u32>,
    /// Newest Sentry's input spelling of "until escalating" (ignored by older servers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until_escalating: Option<bool>,
}

impl StatusDetailsUpdate {
    fn has_ignore_condition(&self) -> bool {
        self.ignore_duration.is_some() || self.ignore_count.is_some() || self.ignore_user_count.is_some()
    }
}

/// A partial update of one or many issues. Build with the constructors and chain setters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IssueUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<UpdateStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_details: Option<StatusDetailsUpdate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    substatus: Option<Substatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<Priority>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assigned_to: Option<AssignTarget>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_bookmarked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    has_seen: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_subscribed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_public: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    inbox: Option<bool>,
}

impl IssueUpdate {
    /// An empty update (set members with the chainable setters).
    pub fn new() -> Self {
        Self::default()
    }

    /// `{"status": "resolved"}`.
    pub fn resolve() -> Self {
        Self::new().status(UpdateStatus::Resolved)
    }

    /// `{"status": "resolvedInNextRelease"}`.
    pub fn resolve_in_next_release() -> Self {
        Self::new().status(UpdateStatus::ResolvedInNextRelease)
    }

    /// Resolved in `version` (`"latest"` = the latest release).
    pub fn resolve_in_release(version: impl Into<String>) -> Self {
        Self::resolve().status_details(StatusDetailsUpdate { in_release: Some(version.into()), ..Default::default() })
    }

    /// Reopen (`unresolved`; the server infers substatus `ongoing`).
    pub fn unresolve() -> Self {
        Self::new().status(UpdateStatus::Unresolved)
    }

    /// Archive forever (`ignored` + `archived_forever`).
    pub fn archive_forever() -> Self {
        Self::new().status(UpdateStatus::Ignored).substatus(Substatus::ArchivedForever)
    }

    /// Archive until escalating (`ignored` + `archived_until_escalating`, empty details).
    pub fn archive_until_escalating() -> Self {
        Self::new()
            .status(UpdateStatus::Ignored)
            .substatus(Substatus::ArchivedUntilEscalating)
            .status_details(StatusDetailsUpdate::default())
    }

    /// Archive for `minutes` (`ignoreDuration`).
    pub fn ignore_for(minutes: u32) -> Self {
        Self::ignored_with(StatusDetailsUpdate { ignore_duration: Some(minutes), ..Default::default() })
    }

    /// Archive until it occurs `count` more times (within `window_minutes`, if given).
    pub fn ignore_until_count(count: u32, window_minutes: Option<u32>) -> Self {
        Self::ignored_with(StatusDetailsUpdate {
            ignore_count: Some(count),
            ignore_window: window_minutes,
            ..Default::default()
        })
    }

    /// Archive until it affects `users` more users (within `window_minutes`, if given).
    pub fn ignore_until_user_count(users: u32, window_minutes: Option<u32>) -> Self {
        Self::ignored_with(StatusDetailsUpdate {
            ignore_user_count: Some(users),
            ignore_user_window: window_minutes,
            ..Default::default()
        })
    }

    fn ignored_with(details: StatusDetailsUpdate) -> Self {
        Self::new().status(UpdateStatus::Ignored).status_details(details)
    }

    /// `{"priority": ...}`.
    pub fn set_priority(priority: Priority) -> Self {
        Self::new().priority(priority)
    }

    /// `{"assignedTo": ...}`.
    pub fn assign(target: AssignTarget) -> Self {
        Self::new().assigned_to(target)
    }

    /// `{"assignedTo": ""}`.
    pub fn unassign() -> Self {
        Self::assign(AssignTarget::Nobody)
    }

    /// `{"isBookmarked": on}`.
    pub fn bookmark(on: bool) -> Self {
        Self::new().is_bookmarked(on)
    }

    /// `{"hasSeen": seen}`.
    pub fn mark_seen(seen: bool) -> Self {
        Self::new().has_seen(seen)
    }

    /// `{"inbox": false}`: mark reviewed (leave "For Review").
    pub fn mark_reviewed() -> Self {
        Self::new().inbox(false)
    }

    pub fn status(mut self, status: UpdateStatus) -> Self {
        self.status = Some(status);
        self
    }

    pub fn status_details(mut self, details: StatusDetailsUpdate) -> Self {
        self.status_details = Some(details);
        self
    }

    pub fn substatus(mut self, substatus: Substatus) -> Self {
        self.substatus = Some(substatus);
        self
    }

    pub fn priority(mut self, priority: Priority) -> Self {
        self.priority = Some(priority);
        self
    }

    pub fn assigned_to(mut self, target: AssignTarget) -> Self {
        self.assigned_to = Some(target);
        self
    }

    pub fn is_bookmarked(mut self, on: bool) -> Self {
        self.is_bookmarked = Some(on);
        self
    }

    pub fn has_seen(mut self, seen: bool) -> Self {
        self.has_seen = Some(seen);
        self
    }

    pub fn is_subscribed(mut self, on: bool) -> Self {
        self.is_subscribed = Some(on);
        self
    }

    pub fn is_public(mut self, on: bool) -> Self {
        self.is_public = Some(on);
        self
    }

    pub fn inbox(mut self, in_inbox: bool) -> Self {
        self.inbox = Some(in_inbox);
        self
    }

    /// True when nothing is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Rejects empty updates and windows longer than the schema allows.
    pub fn validate(&self) -> Result<(), Error> {
        if self.is_empty() {
            return Err(Error::InvalidInput("empty issue update".into()));
        }
        if let Some(d) = &self.status_details {
            for (name, w) in [("ignoreWindow", d.ignore_window), ("ignoreUserWindow", d.ignore_user_window)] {
                if w.is_some_and(|w| w > MAX_IGNORE_WINDOW_MINUTES) {
                    return Err(Error::InvalidInput(format!("{name} exceeds {MAX_IGNORE_WINDOW_MINUTES} minutes")));
                }
            }
        }
        Ok(())
    }

    /// The JSON body.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// Applies this update to a local copy, as the server would (optimistic UI). Substatus is
    /// inferred like Sentry does when not given explicitly.
    pub fn apply_to(&self, issue: &mut Issue) {
        if let Some(status) = &self.status {
            let details = self.status_details.clone().unwrap_or_default();
            let (new_status, inferred) = match status {
                UpdateStatus::Resolved | UpdateStatus::ResolvedInNextRelease => (IssueStatus::Resolved, None),
                UpdateStatus::Ignored | UpdateStatus::Muted => {
                    let sub = if details.until_escalating == Some(true) {
                        Substatus::ArchivedUntilEscalating
                    } else if details.has_ignore_condition() {
                        Substatus::ArchivedUntilConditionMet
                    } else {
                        Substatus::ArchivedForever
                    };
                    (IssueStatus::Ignored, Some(sub))
                }
                UpdateStatus::Unresolved => (IssueStatus::Unresolved, Some(Substatus::Ongoing)),
                UpdateStatus::Other(s) => (IssueStatus::parse(s), issue.substatus.clone()),
            };
            issue.status = Some(new_status);
            issue.substatus = if matches!(status, UpdateStatus::Resolved | UpdateStatus::ResolvedInNextRelease) {
                None
            } else {
                self.substatus.clone().or(inferred)
            };
            issue.status_details = StatusDetails {
                in_next_release: details
                    .in_next_release
                    .or((*status == UpdateStatus::ResolvedInNextRelease).then_some(true)),
                in_release: details.in_release.clone(),
                ignore_count: details.ignore_count.map(u64::from),
                ignore_window: details.ignore_window.map(u64::from),
                ignore_user_count: details.ignore_user_count.map(u64::from),
                ignore_user_window: details.ignore_user_window.map(u64::from),
                ignore_duration: details.ignore_duration.map(u64::from),
                ..StatusDetails::default()
            };
        } else if let Some(sub) = &self.substatus {
            issue.substatus = Some(sub.clone());
        }
        if let Some(p) = &self.priority {
            issue.priority = Some(p.clone());
        }
        if let Some(target) = &self.assigned_to {
            issue.assigned_to = match target {
                AssignTarget::Nobody => None,
                AssignTarget::User(id) => {
                    Some(Assignee { kind: AssigneeKind::User, id: id.clone(), name: None, email: None })
                }
                AssignTarget::Team(id) => {
                    Some(Assignee { kind: AssigneeKind::Team, id: id.clone(), name: None, email: None })
                }
                AssignTarget::Name(n) => {
                    Some(Assignee { kind: AssigneeKind::User, id: n.clone(), name: Some(n.clone()), email: None })
                }
            };
        }
        if let Some(b) = self.is_bookmarked {
            issue.is_bookmarked = b;
        }
        if let Some(s) = self.has_seen {
            issue.has_seen = s;
        }
        if let Some(s) = self.is_subscribed {
            issue.is_subscribed = s;
        }
        if let Some(p) = self.is_public {
            issue.is_public = p;
        }
    }
}
