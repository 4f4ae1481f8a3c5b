//! String enums of the Web API (issue status, substatus, priority, level, assignee kind, and the
//! status values accepted by updates).
//!
//! Contract: every enum has an `Other(String)` variant, so a value this client does not know
//! (a status added by a newer Sentry, a GlitchTip spelling) decodes instead of failing. Values
//! serialize back to exactly the wire string they came from. Numbers decode through an optional
//! numeric table (Sentry's internal priority ints 25/50/75), else as `Other("<number>")`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)? }
        $( numeric { $( $num:literal => $nvariant:ident ),* $(,)? } )?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this client does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Other(s) => s,
                }
            }

            /// Parses a wire value; unknown values become `Other`.
            pub fn parse(s: &str) -> Self {
                match s {
                    $( $wire => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }

            #[allow(unused_variables)]
            fn from_number(n: i64) -> Option<Self> {
                match n {
                    $( $( $num => Some(Self::$nvariant), )* )?
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::parse(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(match Value::deserialize(d)? {
                    Value::String(s) => Self::parse(&s),
                    Value::Number(n) => {
                        n.as_i64().and_then(Self::from_number).unwrap_or_else(|| Self::Other(n.to_string()))
                    }
                    other => Self::Other(other.to_string()),
                })
            }
        }
    };
}

string_enum! {
    /// Issue status as returned by GET (Sentry's `status`).
    IssueStatus {
        Resolved => "resolved",
        Unresolved => "unresolved",
        Ignored => "ignored",
        PendingDeletion => "pending_deletion",
        PendingMerge => "pending_merge",
        Reprocessing => "reprocessing",
    }
}

string_enum! {
    /// Issue substatus (read and write). `null` on resolved issues and on servers without it.
    Substatus {
        ArchivedUntilEscalating => "archived_until_escalating",
        ArchivedUntilConditionMet => "archived_until_condition_met",
        ArchivedForever => "archived_forever",
        Escalating => "escalating",
        Ongoing => "ongoing",
        Regressed => "regressed",
        New => "new",
    }
}

string_enum! {
    /// Issue priority. The Web API sends strings; issue occurrences use Sentry's ints.
    Priority {
        High => "high",
        Medium => "medium",
        Low => "low",
    }
    numeric { 75 => High, 50 => Medium, 25 => Low }
}

string_enum! {
    /// Event / issue level.
    Level {
        Sample => "sample",
        Debug => "debug",
        Info => "info",
        Warning => "warning",
        Error => "error",
        Fatal => "fatal",
        Unknown => "unknown",
    }
}

string_enum! {
    /// Kind of an `assignedTo` object.
    AssigneeKind {
        User => "user",
        Team => "team",
    }
}

string_enum! {
    /// Status values an issue update (`PUT`) accepts. `Muted` is an alias of `Ignored`.
    UpdateStatus {
        Resolved => "resolved",
        ResolvedInNextRelease => "resolvedInNextRelease",
        Unresolved => "unresolved",
        Ignored => "ignored",
        Muted => "muted",
    }
}

impl Priority {
    /// Sentry's internal integer (LOW=25, MEDIUM=50, HIGH=75); `None` for unknown values.
    pub fn as_int(&self) -> Option<u8> {
        match self {
            Self::High => Some(75),
            Self::Medium => Some(50),
            Self::Low => Some(25),
            Self::Other(_) => None,
        }
    }
}

impl IssueStatus {
    /// True for the "archived" family (Sentry UI wording for `ignored`).
    pub fn is_archived(&self) -> bool {
        matches!(self, Self::Ignored) || self.as_str() == "muted"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn known_unknown_and_numeric() {
        assert_eq!(serde_json::from_value::<IssueStatus>(json!("resolved")).ok(), Some(IssueStatus::Resolved));
        assert_eq!(
            serde_json::from_value::<IssueStatus>(json!("snoozed")).ok(),
            Some(IssueStatus::Other("snoozed".into()))
        );
        assert_eq!(serde_json::from_value::<Priority>(json!(75)).ok(), Some(Priority::High));
        assert_eq!(serde_json::from_value::<Priority>(json!(10)).ok(), Some(Priority::Other("10".into())));
        assert_eq!(serde_json::from_value::<Option<Substatus>>(json!(null)).ok(), Some(None));
        assert_eq!(
            serde_json::to_value(UpdateStatus::ResolvedInNextRelease).ok(),
            Some(json!("resolvedInNextRelease"))
        );
        assert_eq!(serde_json::to_value(Level::Other("critical".into())).ok(), Some(json!("critical")));
        assert_eq!(Priority::Low.as_int(), Some(25));
        assert!(IssueStatus::parse("muted").is_archived());
    }
}
