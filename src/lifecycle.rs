//! Issue lifecycle rules, as pure functions: what a new event does to an issue's status
//! (regression, ignore conditions running out, escalation) and how priority follows the level
//! until a person sets it. No I/O and no clock: the caller passes `now` and answers questions
//! about history through [`History`]. The store's writer applies these rules inside its
//! transaction, so every decision sees all previously committed events.

use serde::{Deserialize, Serialize};

/// Read-side status of an issue, as the Web API reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Unresolved,
    Resolved,
    Ignored,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unresolved => "unresolved",
            Self::Resolved => "resolved",
            Self::Ignored => "ignored",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "unresolved" => Some(Self::Unresolved),
            "resolved" => Some(Self::Resolved),
            "ignored" => Some(Self::Ignored),
            _ => None,
        }
    }
}

/// Sentry's substatus, refining `unresolved` and `ignored`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Substatus {
    New,
    Ongoing,
    Regressed,
    Escalating,
    ArchivedForever,
    ArchivedUntilEscalating,
    ArchivedUntilConditionMet,
}

impl Substatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Ongoing => "ongoing",
            Self::Regressed => "regressed",
            Self::Escalating => "escalating",
            Self::ArchivedForever => "archived_forever",
            Self::ArchivedUntilEscalating => "archived_until_escalating",
            Self::ArchivedUntilConditionMet => "archived_until_condition_met",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::New,
            Self::Ongoing,
            Self::Regressed,
            Self::Escalating,
            Self::ArchivedForever,
            Self::ArchivedUntilEscalating,
            Self::ArchivedUntilConditionMet,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// Issue priority; the numbers are Sentry's internal values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low = 25,
    Medium = 50,
    High = 75,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    pub fn from_value(value: i64) -> Option<Self> {
        match value {
            25 => Some(Self::Low),
            50 => Some(Self::Medium),
            75 => Some(Self::High),
            _ => None,
        }
    }

    /// The priority a new issue gets from its level: fatal and error are high, warning medium,
    /// everything quieter low.
    pub fn from_level(level: &str) -> Self {
        match level {
            "fatal" | "error" => Self::High,
            "warning" => Self::Medium,
            _ => Self::Low,
        }
    }
}

/// How an issue was resolved, which decides what counts as a regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Resolution {
    /// Any later event regresses it.
    Plain,
    /// Fixed in `release`: only events from a newer release regress it.
    InRelease {
        release: String,
        /// When it was resolved (unix seconds), to place a release never seen before.
        #[serde(default)]
        resolved_at: f64,
    },
    /// Fixed in whatever release comes next: events from `current` (the newest release when it
    /// was resolved) or older do not regress it.
    InNextRelease {
        current: Option<String>,
        #[serde(default)]
        resolved_at: f64,
    },
}

/// The conditions of an ignore ("archive") that end on their own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snooze {
    /// When the ignore was set (unix seconds).
    pub since: f64,
    /// Ignore until this time (unix seconds).
    pub until: Option<f64>,
    /// Ignore until this many more events arrive (within `window_mins`, when set).
    pub count: Option<u64>,
    pub window_mins: Option<u64>,
    /// Ignore until this many distinct users are affected (within `user_window_mins`).
    pub user_count: Option<u64>,
    pub user_window_mins: Option<u64>,
    /// Ignore until the hourly volume exceeds this forecast.
    pub escalation_forecast: Option<u64>,
}

impl Snooze {
    /// Where a condition's window of `mins` minutes (the whole ignore without one) starts at
    /// `now`: never before the ignore itself.
    pub fn window_start(&self, mins: Option<u64>, now: f64) -> f64 {
        match mins {
            Some(mins) => self.since.max(now - mins as f64 * 60.0),
            None => self.since,
        }
    }
}

/// The mutable lifecycle part of an issue.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueState {
    pub status: Status,
    pub substatus: Option<Substatus>,
    pub resolution: Option<Resolution>,
    pub snooze: Option<Snooze>,
    pub priority: Option<Priority>,
    pub priority_locked: bool,
}

impl IssueState {
    /// The state of a brand-new issue whose first event has `level`.
    pub fn new_issue(level: &str) -> Self {
        Self {
            status: Status::Unresolved,
            substatus: Some(Substatus::New),
            resolution: None,
            snooze: None,
            priority: Some(Priority::from_level(level)),
            priority_locked: false,
        }
    }

    /// While the issue is ignored until N events arrive, where that count's window starts at
    /// `now`: the store keeps arrivals from there on for [`History::events_since`]. `None` when
    /// no rule will ask.
    pub fn counting_window_start(&self, now: f64) -> Option<f64> {
        let snooze = self.snooze.as_ref().filter(|_| self.status == Status::Ignored)?;
        snooze.count.map(|_| snooze.window_start(snooze.window_mins, now))
    }
}

/// What the writer knows about an issue's history, asked only when a rule needs it.
pub trait History {
    /// Position of `release` in the project's release history (the order its organization's
    /// releases were created in, by sentry-cli or by their first event); `None` when unknown.
    fn release_rank(&self, release: &str) -> Option<f64>;
    /// Events of this issue that arrived at or after `since` (the new event included). Asked
    /// only while [`IssueState::counting_window_start`] is `Some`, for a `since` at or after it.
    fn events_since(&self, since: f64) -> u64;
    /// Distinct users of this issue whose events arrived at or after `since` (the new event's user included).
    fn users_since(&self, since: f64) -> u64;
    /// Events of this issue that arrived in the current hour (the new event included).
    fn events_this_hour(&self) -> u64;
}

/// A change worth recording in the issue's activity log.
#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    Regressed { release: Option<String> },
    Unignored { substatus: Substatus },
    Escalated { forecast: u64 },
}

/// Applies one new event (with `level` and `release`) to `state`.
pub fn on_event(
    state: &mut IssueState,
    level: &str,
    release: Option<&str>,
    now: f64,
    history: &dyn History,
) -> Option<Transition> {
    if !state.priority_locked {
        let derived = Priority::from_level(level);
        state.priority = Some(state.priority.map_or(derived, |p| p.max(derived)));
    }
    match state.status {
        Status::Unresolved => None,
        Status::Resolved => {
            let regressed = match &state.resolution {
                None | Some(Resolution::Plain) => true,
                Some(Resolution::InRelease { release: fixed, resolved_at }) => {
                    is_newer(release, Some(fixed), *resolved_at, history)
                }
                Some(Resolution::InNextRelease { current, resolved_at }) => {
                    is_newer(release, current.as_deref(), *resolved_at, history)
                }
            };
            regressed.then(|| {
                state.status = Status::Unresolved;
                state.substatus = Some(Substatus::Regressed);
                state.resolution = None;
                Transition::Regressed { release: release.map(str::to_owned) }
            })
        }
        Status::Ignored => {
            let snooze = state.snooze.as_ref()?;
            let outcome = snooze_outcome(snooze, now, history)?;
            state.status = Status::Unresolved;
            state.snooze = None;
            match outcome {
                SnoozeEnd::Expired => {
                    state.substatus = Some(Substatus::Ongoing);
                    Some(Transition::Unignored { substatus: Substatus::Ongoing })
                }
                SnoozeEnd::ConditionMet => {
                    state.substatus = Some(Substatus::Escalating);
                    Some(Transition::Unignored { substatus: Substatus::Escalating })
                }
                SnoozeEnd::Escalated(forecast) => {
                    state.substatus = Some(Substatus::Escalating);
                    if !state.priority_locked {
                        state.priority = Some(Priority::High);
                    }
                    Some(Transition::Escalated { forecast })
                }
            }
        }
    }
}

enum SnoozeEnd {
    Expired,
    ConditionMet,
    Escalated(u64),
}

fn snooze_outcome(snooze: &Snooze, now: f64, history: &dyn History) -> Option<SnoozeEnd> {
    if let Some(until) = snooze.until
        && now >= until
    {
        return Some(SnoozeEnd::Expired);
    }
    if let Some(count) = snooze.count
        && history.events_since(snooze.window_start(snooze.window_mins, now)) >= count
    {
        return Some(SnoozeEnd::ConditionMet);
    }
    if let Some(users) = snooze.user_count
        && history.users_since(snooze.window_start(snooze.user_window_mins, now)) >= users
    {
        return Some(SnoozeEnd::ConditionMet);
    }
    if let Some(forecast) = snooze.escalation_forecast
        && history.events_this_hour() > forecast
    {
        return Some(SnoozeEnd::Escalated(forecast));
    }
    None
}

/// Whether an event from `release` counts as newer than the resolution point `fixed`.
/// An event without a release cannot show that the fix shipped, so it does not regress a
/// release-based resolution (as in Sentry). A fixed release never seen (resolved before it
/// shipped), or no release at all for "next release", is placed at the resolution time: only
/// releases first seen after it are newer.
fn is_newer(release: Option<&str>, fixed: Option<&str>, resolved_at: f64, history: &dyn History) -> bool {
    let Some(release) = release else {
        return false;
    };
    if Some(release) == fixed {
        return false;
    }
    let Some(event_rank) = history.release_rank(release) else {
        return true;
    };
    let fixed_rank = fixed.and_then(|f| history.release_rank(f)).unwrap_or(resolved_at);
    event_rank > fixed_rank
}

/// The hourly volume above which an issue ignored "until escalating" comes back, from the
/// hourly counts of the week before (oldest first) and the issue's age. Young issues use ten
/// times their busiest hour; older ones a spike limit derived from the mean and spread, the
/// way Sentry's weekly forecast does, never below 10.
pub fn escalation_forecast(hourly: &[u64], age_days: f64) -> u64 {
    let max = hourly.iter().copied().max().unwrap_or(0);
    if age_days < 7.0 || hourly.is_empty() {
        return (max * 10).max(10);
    }
    let n = hourly.len() as f64;
    let mean = hourly.iter().sum::<u64>() as f64 / n;
    let variance = hourly.iter().map(|&c| (c as f64 - mean).powi(2)).sum::<f64>() / n;
    let std_dev = variance.sqrt();
    let spike = if mean > 0.0 { mean + ((mean + 5.0 * std_dev) / mean).clamp(5.0, 8.0) * mean } else { 0.0 };
    let cv = if mean > 0.0 { std_dev / mean } else { 0.0 };
    let bursty = max as f64 * (5.0 * (-0.65 * cv).exp()).clamp(2.0, 5.0);
    (spike.max(bursty).ceil() as u64).max(10)
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
