//! Typed models of the Sentry Web API responses the console reads.
//!
//! Contract: every model tolerates unknown members and members that are missing, `null` or of
//! an unexpected type (GlitchTip and older Sentry omit some; Prism's dynamic mode randomizes
//! them); enums keep unknown values as `Other(String)`. Decoding a well-formed JSON object into
//! any model here does not fail because of one odd member.

pub(crate) mod de;

mod activity;
mod alert;
mod attachment;
mod bulk;
mod entries;
mod enums;
mod event;
mod feedback;
mod issue;
mod monitor;
mod org;
pub mod performance;
mod release;
mod release_info;
mod shortid;
mod stats;
mod tag;

pub use activity::{Activity, ActivityUser, Note};
pub use alert::{AlertFiring, AlertRule, Delivery, FiringIssue, FiringRule, OutboxSummary, RulePart};
pub use attachment::Attachment;
pub use bulk::BulkUpdateResult;
pub use entries::{
    Breadcrumb, BreadcrumbsEntry, ContextLine, Entry, ExceptionEntry, ExceptionValue, Frame, Mechanism, MessageEntry,
    RequestEntry, Stacktrace, Thread, ThreadsEntry,
};
pub use enums::{AssigneeKind, IssueStatus, Level, Priority, Substatus, UpdateStatus};
pub use event::{Event, EventError, EventSummary, EventTag, EventUser, Sdk};
pub use feedback::{EventLocation, FeedbackIssue, FeedbackMetadata, FeedbackProject, UserReport};
pub use issue::{Annotation, Assignee, Issue, IssueCounts, IssueMetadata, IssueProject, StatusDetails};
pub use monitor::{CheckIn, CheckInGroup, Monitor, MonitorConfig, MonitorEnvironment, MonitorProject};
pub use org::{
    Dsn, Environment, KeyRateLimit, NamedStatus, Organization, OrganizationLinks, Project, ProjectKey, TeamRef,
};
pub use release::Release;
pub use release_info::{Deploy, HealthData, ReleaseInfo, ReleaseProject};
pub use shortid::ShortIdLookup;
pub use stats::{IssueStats, StatPoint};
pub use tag::{TagKey, TagValue};

#[cfg(test)]
mod tests;
