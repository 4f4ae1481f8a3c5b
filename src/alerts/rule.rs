//! An issue alert rule as typed data, in Sentry's model: conditions (what must happen), filters
//! (which events count), actions (who is told) and the action interval (at most one firing per
//! rule and issue per `frequency` minutes). Parsing from Sentry's JSON is in [`super::parse`],
//! rendering back in [`super::render`]; nothing here does I/O.
//!
//! Secrets (webhook URLs, signing secrets) are not part of a [`Rule`]: they are kept beside it,
//! per action, as [`ActionSecrets`], so a rule can be logged, cloned into the writer's cache and
//! rendered into an API answer without ever carrying one.

use std::fmt;

use crate::profiles::Secret;

/// Sentry's bounds on the action interval, in minutes: 5 minutes to 30 days.
pub const FREQUENCY_MINUTES: std::ops::RangeInclusive<u32> = 5..=43_200;

/// A rule, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: String,
    pub enabled: bool,
    /// How the conditions combine.
    pub action_match: Match,
    /// How the filters combine.
    pub filter_match: Match,
    /// The action interval: minutes between two firings of this rule for one issue.
    pub frequency_mins: u32,
    /// Only events from this environment.
    pub environment: Option<String>,
    pub conditions: Vec<Condition>,
    pub filters: Vec<Filter>,
    pub actions: Vec<Action>,
}

/// `all`, `any` or `none` of a list must pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    All,
    Any,
    None,
}

impl Match {
    pub fn as_str(self) -> &'static str {
        match self {
            Match::All => "all",
            Match::Any => "any",
            Match::None => "none",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Match::All, Match::Any, Match::None].into_iter().find(|m| m.as_str() == text)
    }
}

/// The windows Sentry's frequency conditions accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Minute,
    FiveMinutes,
    FifteenMinutes,
    Hour,
    Day,
    Week,
    ThirtyDays,
}

impl Interval {
    pub const ALL: [Interval; 7] = [
        Interval::Minute,
        Interval::FiveMinutes,
        Interval::FifteenMinutes,
        Interval::Hour,
        Interval::Day,
        Interval::Week,
        Interval::ThirtyDays,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Minute => "1m",
            Interval::FiveMinutes => "5m",
            Interval::FifteenMinutes => "15m",
            Interval::Hour => "1h",
            Interval::Day => "1d",
            Interval::Week => "1w",
            Interval::ThirtyDays => "30d",
        }
    }

    /// In words, for messages: "1 minute", "30 days".
    pub fn words(self) -> &'static str {
        match self {
            Interval::Minute => "one minute",
            Interval::FiveMinutes => "5 minutes",
            Interval::FifteenMinutes => "15 minutes",
            Interval::Hour => "one hour",
            Interval::Day => "one day",
            Interval::Week => "one week",
            Interval::ThirtyDays => "30 days",
        }
    }

    pub fn seconds(self) -> f64 {
        match self {
            Interval::Minute => 60.0,
            Interval::FiveMinutes => 300.0,
            Interval::FifteenMinutes => 900.0,
            Interval::Hour => 3_600.0,
            Interval::Day => 86_400.0,
            Interval::Week => 604_800.0,
            Interval::ThirtyDays => 2_592_000.0,
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.as_str() == text)
    }
}

/// Event levels with Sentry's numbers (`50` fatal … `10` debug).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug = 10,
    Info = 20,
    Warning = 30,
    Error = 40,
    Fatal = 50,
}

impl Level {
    pub const ALL: [Level; 5] = [Level::Debug, Level::Info, Level::Warning, Level::Error, Level::Fatal];

    pub fn name(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
            Level::Fatal => "fatal",
        }
    }

    /// A stored event's level; unknown levels count as `error`, as Sentry files them.
    pub fn of_event(level: &str) -> Self {
        match level {
            "warn" => Level::Warning,
            "critical" => Level::Fatal,
            "log" => Level::Info,
            other => Self::ALL.into_iter().find(|l| l.name() == other).unwrap_or(Level::Error),
        }
    }

    /// `"40"`, `40` or `"error"`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == text || (*l as i64).to_string() == text)
    }
}

/// How a level is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelMatch {
    Equal,
    AtLeast,
    AtMost,
}

impl LevelMatch {
    pub fn as_str(self) -> &'static str {
        match self {
            LevelMatch::Equal => "eq",
            LevelMatch::AtLeast => "gte",
            LevelMatch::AtMost => "lte",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            LevelMatch::Equal => "equal to",
            LevelMatch::AtLeast => "greater than or equal to",
            LevelMatch::AtMost => "less than or equal to",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [LevelMatch::Equal, LevelMatch::AtLeast, LevelMatch::AtMost].into_iter().find(|m| m.as_str() == text)
    }

    pub fn passes(self, level: Level, against: Level) -> bool {
        match self {
            LevelMatch::Equal => level == against,
            LevelMatch::AtLeast => level >= against,
            LevelMatch::AtMost => level <= against,
        }
    }
}

/// How a tag's value is compared (Sentry's `match` codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagMatch {
    Equals,
    NotEquals,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    IsSet,
    NotSet,
}

impl TagMatch {
    pub const ALL: [TagMatch; 8] = [
        TagMatch::Equals,
        TagMatch::NotEquals,
        TagMatch::Contains,
        TagMatch::NotContains,
        TagMatch::StartsWith,
        TagMatch::EndsWith,
        TagMatch::IsSet,
        TagMatch::NotSet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TagMatch::Equals => "eq",
            TagMatch::NotEquals => "ne",
            TagMatch::Contains => "co",
            TagMatch::NotContains => "nc",
            TagMatch::StartsWith => "sw",
            TagMatch::EndsWith => "ew",
            TagMatch::IsSet => "is",
            TagMatch::NotSet => "ns",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            TagMatch::Equals => "equals",
            TagMatch::NotEquals => "does not equal",
            TagMatch::Contains => "contains",
            TagMatch::NotContains => "does not contain",
            TagMatch::StartsWith => "starts with",
            TagMatch::EndsWith => "ends with",
            TagMatch::IsSet => "is set",
            TagMatch::NotSet => "is not set",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// Whether the match needs a value to compare with.
    pub fn takes_value(self) -> bool {
        !matches!(self, TagMatch::IsSet | TagMatch::NotSet)
    }
}

/// Sentry's issue categories (`GroupCategory`), by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Error = 1,
    Performance = 2,
    Cron = 4,
    Feedback = 6,
}

impl Category {
    pub const ALL: [Category; 4] = [Category::Error, Category::Performance, Category::Cron, Category::Feedback];

    pub fn name(self) -> &'static str {
        match self {
            Category::Error => "error",
            Category::Performance => "performance",
            Category::Cron => "cron",
            Category::Feedback => "feedback",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == text || (*c as i64).to_string() == text)
    }
}

/// What must happen for a rule to fire.
///
/// Each variant is answered either from what the event did (free: it is in hand) or through
/// [`super::engine::Counts`] (one bounded store query). A new kind of condition, such as "p95
/// of a transaction above T for an interval" or "a cron monitor missed or failed", is one more
/// variant here plus, when it needs history, one more `Counts` method answered by one store
/// query; see the README's "Alerts" section.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// A new issue is created.
    FirstSeen,
    /// The issue changes state from resolved to unresolved.
    Regression,
    /// The issue changes state from archived to escalating.
    Escalating,
    /// The issue is seen more than `value` times in `interval`.
    EventFrequency { value: u64, interval: Interval },
    /// The issue is seen by more than `value` users in `interval`.
    UniqueUsers { value: u64, interval: Interval },
    /// The event's level compares with `level`.
    Level { op: LevelMatch, level: Level },
}

impl Condition {
    /// Whether answering needs a store query (asked last, and only when the rule is not muted).
    pub fn counts(&self) -> bool {
        matches!(self, Condition::EventFrequency { .. } | Condition::UniqueUsers { .. })
    }
}

/// Which events a rule looks at.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Level { op: LevelMatch, level: Level },
    Tag { key: String, op: TagMatch, value: String },
    Category(Category),
}

/// Who is told.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A Slack incoming webhook (its URL is a secret).
    Slack { channel: Option<String>, tags: Vec<String> },
    /// A generic webhook in Sentry's payload shape, signed with HMAC-SHA256 (URL and signing
    /// secret are secrets).
    Webhook,
    /// Email to these addresses through `[alerts.smtp]`.
    Email { to: Vec<String> },
    /// The sift console's bell and desktop notification (OSC 9).
    Console,
}

/// What kind of delivery an action makes, as the outbox and the API name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Slack,
    Webhook,
    Email,
    Console,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Slack => "slack",
            Kind::Webhook => "webhook",
            Kind::Email => "email",
            Kind::Console => "console",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Kind::Slack, Kind::Webhook, Kind::Email, Kind::Console].into_iter().find(|k| k.as_str() == text)
    }
}

impl Action {
    pub fn kind(&self) -> Kind {
        match self {
            Action::Slack { .. } => Kind::Slack,
            Action::Webhook => Kind::Webhook,
            Action::Email { .. } => Kind::Email,
            Action::Console => Kind::Console,
        }
    }
}

/// The secrets of one action: a webhook's URL and signing secret, a Slack webhook's URL.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ActionSecrets {
    pub url: Option<Secret>,
    pub signing_secret: Option<Secret>,
}

impl ActionSecrets {
    pub fn is_empty(&self) -> bool {
        self.url.is_none() && self.signing_secret.is_none()
    }
}

impl fmt::Debug for ActionSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActionSecrets")
            .field("url", &self.url.as_ref().map(|_| "<redacted>"))
            .field("signing_secret", &self.signing_secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A rule with the secrets of each of its actions (same order as `rule.actions`).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleWithSecrets {
    pub rule: Rule,
    pub secrets: Vec<ActionSecrets>,
}
