//! What flows into the reducer ([`Msg`]: input, time, answers tagged with their request) and
//! what flows out ([`Effect`]: work for the runner or the terminal). Messages are past tense or
//! raw input; effects are verbs.

use crossterm::event::{KeyEvent, MouseEvent};

use super::detail::EventPick;
use super::state::ReqId;
use crate::api::models::Event;
use crate::api::{Error, Issue, IssueListParams, IssueUpdate, Page};

/// Something that happened.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// The terminal is now this many columns and rows.
    Resized(u16, u16),
    /// Time passed (drives polling and toasts).
    Tick,
    IssuesLoaded {
        req: ReqId,
        result: Result<Page<Issue>, Error>,
    },
    DigestLoaded {
        req: ReqId,
        result: Result<crate::report::Digest, Error>,
    },
    /// A page of releases for the releases screen.
    ReleasesLoaded {
        req: ReqId,
        result: Result<Page<crate::api::ReleaseInfo>, Error>,
    },
    IssuesUpdated {
        req: ReqId,
        result: Result<(), Error>,
    },
    /// The issues an undo restored, read back: `wanted` are the snapshots it put back, and
    /// `update` the undo's update (the fields to compare).
    RestoreChecked {
        update: IssueUpdate,
        wanted: Vec<Issue>,
        result: Result<Vec<Issue>, Error>,
    },
    CatalogLoaded {
        result: Result<Catalog, Error>,
    },
    /// The event the detail screen asked for.
    EventLoaded {
        req: ReqId,
        result: Result<Event, Error>,
    },
    /// A neighbouring event fetched ahead for the detail screen of `issue_id`.
    EventPrefetched {
        issue_id: String,
        result: Result<Event, Error>,
    },
    /// The activity log of the opened issue `issue_id`.
    ActivityLoaded {
        issue_id: String,
        result: Result<Vec<crate::api::models::Activity>, Error>,
    },
    /// A comment was saved (or not).
    CommentAdded {
        req: ReqId,
        result: Result<(), Error>,
    },
    /// The tag distributions of the opened issue `issue_id`.
    IssueTagsLoaded {
        issue_id: String,
        result: Result<Vec<crate::api::TagKey>, Error>,
    },
    /// Where event `event_id` of issue `issue_id` stands (1 = oldest), if the server counts.
    EventPositioned {
        issue_id: String,
        event_id: String,
        result: Result<Option<u64>, Error>,
    },
    /// The opened issue's own record (with its first and last release).
    IssueLoaded {
        issue_id: String,
        result: Result<Box<Issue>, Error>,
    },
    /// The organization's tag keys, for completing searches.
    TagKeysLoaded {
        req: ReqId,
        result: Result<Vec<crate::api::TagKey>, Error>,
    },
    /// Values of tag `tag` containing `text`, for completing searches.
    TagValuesLoaded {
        tag: String,
        text: String,
        result: Result<Vec<crate::api::TagValue>, Error>,
    },
    /// The Performance table's rows.
    TransactionsLoaded {
        req: ReqId,
        result: Result<crate::api::Page<crate::api::models::performance::TransactionSummary>, Error>,
    },
    /// Sparkline counts for some of the Performance table's rows.
    TransactionSeriesLoaded {
        req: ReqId,
        result: Result<std::collections::BTreeMap<String, Vec<f64>>, Error>,
    },
    /// The slowest samples of a transaction.
    SamplesLoaded {
        req: ReqId,
        result: Result<Vec<crate::api::models::performance::TransactionSample>, Error>,
    },
    /// A trace, for the waterfall.
    TraceLoaded {
        req: ReqId,
        result: Result<crate::api::models::performance::Trace, Error>,
    },
    /// Source context highlighted off the UI thread.
    Highlighted {
        key: String,
        lines: std::sync::Arc<crate::highlight::Highlighted>,
    },
    /// The Alerts screen's rules, firing log and outbox counts.
    AlertsLoaded {
        req: ReqId,
        result: Result<super::alerts::AlertsData, Error>,
    },
    /// A rule was created, changed, enabled or disabled (or refused).
    RuleSaved {
        req: ReqId,
        result: Result<crate::api::AlertRule, Error>,
    },
    /// A rule's test notification was queued (or refused).
    RuleTested {
        req: ReqId,
        result: Result<crate::api::AlertFiring, Error>,
    },
    /// Firings after the last one the console saw (for its own notification).
    FiringsPolled {
        result: Result<Vec<crate::api::AlertFiring>, Error>,
    },
    /// Feedback, attachments and monitors (see [`super::fetches`]).
    Beside(BesideMsg),
}

/// Answers for the opened issue's feedback and attachments, and the Feedback and Monitors
/// screens.
#[derive(Debug)]
pub enum BesideMsg {
    /// The feedback of the opened issue `issue_id`.
    IssueFeedbackLoaded {
        issue_id: String,
        result: Result<Vec<crate::api::models::UserReport>, Error>,
    },
    /// The attachments of event `event_id`.
    AttachmentsLoaded {
        event_id: String,
        result: Result<Vec<crate::api::models::Attachment>, Error>,
    },
    /// An attachment was written to `Ok(path)`, or why not.
    AttachmentSaved {
        req: ReqId,
        result: Result<String, String>,
    },
    /// An attachment's bytes, to page.
    AttachmentRead {
        req: ReqId,
        result: Result<Vec<u8>, Error>,
    },
    FeedbackListed {
        req: ReqId,
        result: Result<Vec<crate::api::models::FeedbackIssue>, Error>,
    },
    MonitorsListed {
        req: ReqId,
        result: Result<Vec<super::boards::MonitorRow>, Error>,
    },
    /// The issue a feedback is about: (id, short id).
    FeedbackIssueLocated {
        req: ReqId,
        result: Result<(String, String), Error>,
    },
}

/// What the pickers offer, and who the token belongs to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub environments: Vec<String>,
    /// (id, slug).
    pub projects: Vec<(i64, String)>,
    /// (id, name) of the token's user.
    pub me: Option<(String, String)>,
    /// The organization's members; empty where the server does not list them.
    pub members: Vec<crate::api::Member>,
}

/// Work the reducer asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Load a page of issues; `append` for the next page of the current list.
    FetchIssues {
        req: ReqId,
        params: IssueListParams,
        append: bool,
    },
    /// Apply `update` to these issues (one issue: single PUT; more: bulk PUT).
    UpdateIssues {
        req: ReqId,
        ids: Vec<String>,
        update: IssueUpdate,
    },
    /// Read back the issues an undo restored, to say what the server kept otherwise.
    CheckRestored {
        update: IssueUpdate,
        wanted: Vec<Issue>,
    },
    FetchCatalog,
    /// Load the activity log of an issue.
    FetchActivity {
        issue_id: String,
    },
    /// Comment on an issue.
    AddComment {
        req: ReqId,
        issue_id: String,
        text: String,
    },
    /// Load the tag distributions of an issue.
    FetchIssueTags {
        issue_id: String,
        environments: Vec<String>,
    },
    /// Highlight a frame's source context (`lines`) in `language`, off the UI thread.
    Highlight {
        key: String,
        language: crate::highlight::Language,
        lines: Vec<String>,
    },
    /// Load one event of an issue; without `req`, a prefetch.
    FetchEvent {
        req: Option<ReqId>,
        issue_id: String,
        pick: EventPick,
        environments: Vec<String>,
    },
    /// Count the issue's events up to `at` (the event's position).
    FetchEventPosition {
        issue_id: String,
        event_id: String,
        at: chrono::DateTime<chrono::Utc>,
        environments: Vec<String>,
    },
    /// Gather the standup digest of the last `since`.
    FetchDigest {
        req: ReqId,
        since: chrono::TimeDelta,
        environments: Vec<String>,
        projects: Vec<i64>,
    },
    /// Load a page of releases (with their health).
    FetchReleases {
        req: ReqId,
        params: crate::api::ReleaseListParams,
    },
    /// Load an issue's own record.
    FetchIssue {
        issue_id: String,
    },
    /// Load the organization's tag keys (in these projects and environments; empty: all).
    FetchTagKeys {
        req: ReqId,
        projects: Vec<i64>,
        environments: Vec<String>,
    },
    /// Load the values of tag `tag` that contain `text`.
    FetchTagValues {
        tag: String,
        text: String,
        projects: Vec<i64>,
        environments: Vec<String>,
    },
    /// Load the Performance table.
    FetchTransactions {
        req: ReqId,
        params: crate::api::PerformanceParams,
    },
    /// Load sparkline counts for these transaction names.
    FetchTransactionSeries {
        req: ReqId,
        names: Vec<String>,
        params: crate::api::PerformanceParams,
    },
    /// Load the slowest samples of a transaction.
    FetchSamples {
        req: ReqId,
        transaction: String,
        params: crate::api::PerformanceParams,
    },
    /// Load a trace.
    FetchTrace {
        req: ReqId,
        trace_id: String,
    },
    /// Load the Alerts screen: each project's rules (all projects when `projects` is empty)
    /// and, with `firings`, the firing log and the outbox's counts.
    FetchAlerts {
        req: ReqId,
        projects: Vec<String>,
        firings: bool,
    },
    /// Create (`id: None`) or replace a rule of `project`.
    SaveRule {
        req: ReqId,
        project: String,
        id: Option<String>,
        body: serde_json::Value,
    },
    /// Send a rule's test notification.
    TestRule {
        req: ReqId,
        project: String,
        id: String,
    },
    /// Ask for the firings after `after` (the console's own notification).
    PollFirings {
        after: Option<i64>,
    },
    /// Put text on the clipboard (OSC 52, so it works over SSH and in tmux).
    Copy(String),
    /// Open a URL in a browser, if there is one.
    OpenUrl(String),
    Bell,
    /// A desktop notification (OSC 9).
    Notify(String),
    Suspend,
    Quit,
    /// Feedback, attachments and monitors work (see [`super::fetches`]).
    Beside(BesideEffect),
}

/// The work of the opened issue's feedback and attachments and of the Feedback and Monitors
/// screens.
#[derive(Debug, Clone, PartialEq)]
pub enum BesideEffect {
    FetchIssueFeedback {
        issue_id: String,
    },
    FetchAttachments {
        project: String,
        event_id: String,
    },
    /// Download an attachment and write it under `to` (a directory, or a file path).
    SaveAttachment {
        req: ReqId,
        project: String,
        event_id: String,
        attachment_id: String,
        name: String,
        to: String,
    },
    ReadAttachment {
        req: ReqId,
        project: String,
        event_id: String,
        attachment_id: String,
    },
    FetchFeedbackList {
        req: ReqId,
    },
    FetchMonitors {
        req: ReqId,
    },
    /// Find the issue of the event a feedback is about.
    LocateFeedbackIssue {
        req: ReqId,
        event_id: String,
    },
}
