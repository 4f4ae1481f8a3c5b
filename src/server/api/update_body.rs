//! The body of an issue update (`PUT …/issues/…`), read strictly: Sentry's field names and
//! types, unknown fields refused with the list of known ones, and `status`, `substatus` and
//! `statusDetails` checked against each other. The result is a store-level
//! [`IssueChange`] plus the bulk-only `merge` and `discard` flags.

use serde::Deserialize;
use serde_json::Value;

use crate::lifecycle::{Priority, Substatus};
use crate::server::ApiError;
use crate::store::triage::{IgnoreFor, IssueChange, ResolveIn, StatusChange};

/// Accepts a field given as `null` distinctly from one left out.
fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct StatusDetails {
    in_release: Option<String>,
    in_next_release: Option<bool>,
    in_commit: Option<Value>,
    ignore_duration: Option<u64>,
    ignore_count: Option<u64>,
    ignore_window: Option<u64>,
    ignore_user_count: Option<u64>,
    ignore_user_window: Option<u64>,
    ignore_until: Option<chrono::DateTime<chrono::Utc>>,
    until_escalating: Option<bool>,
    ignore_until_escalating: Option<bool>,
    snooze_duration: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Body {
    status: Option<String>,
    #[serde(default)]
    status_details: Option<StatusDetails>,
    #[serde(default, deserialize_with = "nullable")]
    substatus: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    priority: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    assigned_to: Option<Option<String>>,
    is_bookmarked: Option<bool>,
    has_seen: Option<bool>,
    is_subscribed: Option<bool>,
    is_public: Option<bool>,
    inbox: Option<bool>,
    merge: Option<bool>,
    discard: Option<bool>,
    // Legacy top-level ignore fields (sentry-cli sends `"snoozeDuration": null`).
    #[serde(default, deserialize_with = "nullable")]
    snooze_duration: Option<Option<u64>>,
    ignore_duration: Option<u64>,
    ignore_count: Option<u64>,
    ignore_window: Option<u64>,
    ignore_user_count: Option<u64>,
    ignore_user_window: Option<u64>,
}

/// A parsed update.
#[derive(Debug, Default)]
pub struct Update {
    pub change: IssueChange,
    /// `assignedTo` as given (a user id, `user:ID`, username or email; `None` unassigns).
    pub assign_to: Option<Option<String>>,
    pub merge: bool,
    pub discard: bool,
    /// The body asked for nothing at all.
    pub empty: bool,
}

/// Parses an update body.
pub fn parse(bytes: &[u8]) -> Result<Update, ApiError> {
    let body: Body = if bytes.iter().all(u8::is_ascii_whitespace) {
        Body::default()
    } else {
        serde_json::from_slice(bytes).map_err(|err| ApiError::bad_request(format!("Invalid request body: {err}")))?
    };
    let mut details = body.status_details.unwrap_or_default();
    details.ignore_duration = details.ignore_duration.or(details.snooze_duration).or(body.ignore_duration);
    if let Some(Some(minutes)) = body.snooze_duration {
        details.ignore_duration = details.ignore_duration.or(Some(minutes));
    }
    details.ignore_count = details.ignore_count.or(body.ignore_count);
    details.ignore_window = details.ignore_window.or(body.ignore_window);
    details.ignore_user_count = details.ignore_user_count.or(body.ignore_user_count);
    details.ignore_user_window = details.ignore_user_window.or(body.ignore_user_window);

    let substatus = match body.substatus.flatten() {
        None => None,
        Some(text) => Some(Substatus::parse(&text).ok_or_else(|| {
            ApiError::bad_request(format!(
                "substatus: {text:?} is not a valid choice; valid: archived_until_escalating, \
                 archived_until_condition_met, archived_forever, escalating, ongoing, regressed, new"
            ))
        })?),
    };
    let status = match body.status.as_deref() {
        None if substatus.is_some() => {
            return Err(ApiError::bad_request("substatus: a status is required when substatus is set"));
        }
        None => None,
        Some(status) => Some(status_change(status, substatus, &details)?),
    };
    let priority = match body.priority {
        None => None,
        Some(None) => return Err(ApiError::bad_request("priority: may not be null; valid: high, medium, low")),
        Some(Some(text)) => Some(match text.as_str() {
            "high" => Priority::High,
            "medium" => Priority::Medium,
            "low" => Priority::Low,
            _ => {
                return Err(ApiError::bad_request(format!(
                    "priority: {text:?} is not a valid choice; valid: high, medium, low"
                )));
            }
        }),
    };
    let assign_to = body.assigned_to.map(|a| a.filter(|a| !a.is_empty()));
    let change = IssueChange {
        status,
        priority,
        assign: None,
        bookmarked: body.is_bookmarked,
        seen: body.has_seen,
        reviewed: body.inbox.map(|inbox| !inbox),
    };
    let merge = body.merge.unwrap_or(false);
    let discard = body.discard.unwrap_or(false);
    let accepted_noop = body.is_subscribed.is_some() || body.is_public.is_some();
    let empty = change.is_empty() && assign_to.is_none() && !merge && !discard && !accepted_noop;
    Ok(Update { change, assign_to, merge, discard, empty })
}

fn status_change(
    status: &str,
    substatus: Option<Substatus>,
    details: &StatusDetails,
) -> Result<StatusChange, ApiError> {
    let archived = matches!(
        substatus,
        Some(Substatus::ArchivedForever | Substatus::ArchivedUntilEscalating | Substatus::ArchivedUntilConditionMet)
    );
    match status {
        "resolved" | "resolvedInNextRelease" => {
            if substatus.is_some() {
                return Err(ApiError::bad_request("substatus: must be empty when resolving"));
            }
            if details.in_commit.is_some() {
                return Err(ApiError::bad_request(
                    "statusDetails.inCommit: resolving in a commit needs a repository integration, which this server does not have",
                ));
            }
            let how = if status == "resolvedInNextRelease" || details.in_next_release == Some(true) {
                ResolveIn::NextRelease
            } else if let Some(release) = details.in_release.as_ref().filter(|r| !r.is_empty()) {
                ResolveIn::Release(release.clone())
            } else {
                ResolveIn::Now
            };
            Ok(StatusChange::Resolve(how))
        }
        "unresolved" => {
            if archived {
                return Err(ApiError::bad_request("substatus: an unresolved issue cannot be archived"));
            }
            Ok(StatusChange::Unresolve { substatus })
        }
        "ignored" | "muted" => {
            if substatus.is_some() && !archived {
                return Err(ApiError::bad_request(
                    "substatus: an ignored issue takes archived_until_escalating, archived_until_condition_met or archived_forever",
                ));
            }
            let conditions = IgnoreFor {
                minutes: details.ignore_duration,
                until: details.ignore_until.map(|t| t.timestamp()),
                count: details.ignore_count,
                window_mins: details.ignore_window,
                user_count: details.ignore_user_count,
                user_window_mins: details.ignore_user_window,
                until_escalating: details.until_escalating == Some(true)
                    || details.ignore_until_escalating == Some(true),
            };
            Ok(StatusChange::Ignore { conditions, substatus })
        }
        other => Err(ApiError::bad_request(format!(
            "status: {other:?} is not a valid choice; valid: resolved, resolvedInNextRelease, unresolved, ignored, muted"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentry_cli_bodies() {
        let update = parse(br#"{"status":"muted","snoozeDuration":null}"#).unwrap();
        assert!(matches!(update.change.status, Some(StatusChange::Ignore { substatus: None, .. })));
        let update = parse(br#"{"status":"resolvedInNextRelease","snoozeDuration":null}"#).unwrap();
        assert_eq!(update.change.status, Some(StatusChange::Resolve(ResolveIn::NextRelease)));
    }

    #[test]
    fn ignore_conditions() {
        let update = parse(br#"{"status":"ignored","statusDetails":{"ignoreCount":10,"ignoreWindow":60}}"#).unwrap();
        let Some(StatusChange::Ignore { conditions, .. }) = update.change.status else { panic!() };
        assert_eq!((conditions.count, conditions.window_mins), (Some(10), Some(60)));
    }

    #[test]
    fn refusals_name_the_problem() {
        for (body, needle) in [
            (&br#"{"status":"closed"}"#[..], "valid: resolved"),
            (br#"{"bogus":1}"#, "unknown field `bogus`"),
            (br#"{"isBookmarked":"yes"}"#, "invalid type"),
            (br#"{"priority":"urgent"}"#, "valid: high, medium, low"),
            (br#"{"status":"unresolved","substatus":"archived_forever"}"#, "cannot be archived"),
            (br#"{"substatus":"ongoing"}"#, "a status is required"),
            (br#"{"status":"#, "Invalid request body"),
        ] {
            let err = parse(body).unwrap_err();
            assert_eq!(err.status, axum::http::StatusCode::BAD_REQUEST);
            assert!(err.detail.contains(needle), "{} -> {}", String::from_utf8_lossy(body), err.detail);
        }
    }
}
