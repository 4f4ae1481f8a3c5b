//! Closed vocabularies of the search language (`is:` values, levels, priorities, comparison
//! operators, time units, key families) with their canonical spellings.
//!
//! Contract: every enum here has one canonical lowercase/camelCase spelling returned by `as_str`,
//! which is also what the printer emits; `from_exact` matches that spelling exactly (used for
//! keys, which Sentry treats case-sensitively) and `from_ci` ignores ASCII case (used for values
//! such as `is:Unresolved` or `level:ERROR`).

use std::fmt;

macro_rules! keyword_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $var:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $var),+ }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// Canonical spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $text),+ }
            }

            /// Variant whose canonical spelling equals `s` exactly.
            pub fn from_exact(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// Variant whose canonical spelling equals `s` ignoring ASCII case.
            pub fn from_ci(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s))
            }

            /// Canonical spellings joined with `", "` (for error messages).
            pub fn expected_list() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keyword_enum! {
    /// Values accepted by `is:`.
    IsValue {
        Unresolved => "unresolved",
        Resolved => "resolved",
        Ignored => "ignored",
        /// Sentry's newer wording for `ignored`; kept distinct in the AST, same predicate.
        Archived => "archived",
        New => "new",
        Ongoing => "ongoing",
        Regressed => "regressed",
        Escalating => "escalating",
        ForReview => "for_review",
        Assigned => "assigned",
        Unassigned => "unassigned",
        Bookmarked => "bookmarked",
        Linked => "linked",
        Unlinked => "unlinked",
    }
}

keyword_enum! {
    /// Event/issue levels accepted by `level:`.
    Level {
        Fatal => "fatal",
        Error => "error",
        Warning => "warning",
        Info => "info",
        Debug => "debug",
    }
}

keyword_enum! {
    /// Issue priorities accepted by `issue.priority:`.
    Priority {
        High => "high",
        Medium => "medium",
        Low => "low",
    }
}

keyword_enum! {
    /// Units of relative times (`-24h`). Case-sensitive (`M` is not minutes).
    RelUnit {
        Minutes => "m",
        Hours => "h",
        Days => "d",
        Weeks => "w",
    }
}

keyword_enum! {
    /// Timestamp keys. `age` is Sentry's alias of `firstSeen`.
    SeenField {
        LastSeen => "lastSeen",
        FirstSeen => "firstSeen",
        Age => "age",
    }
}

keyword_enum! {
    /// Keys matched as case-insensitive "contains" text searches.
    TextField {
        /// Title and message together (also the target of free text).
        Message => "message",
        Title => "title",
    }
}

keyword_enum! {
    /// Boolean keys about the handled-ness of an issue's events.
    HandledField {
        Handled => "error.handled",
        Unhandled => "error.unhandled",
    }
}

keyword_enum! {
    /// Plain string attributes of an issue (or of its events) matched exactly or by glob.
    Field {
        Environment => "environment",
        ErrorType => "error.type",
        ErrorValue => "error.value",
        Transaction => "transaction",
        UserId => "user.id",
        UserEmail => "user.email",
        UserUsername => "user.username",
        UserIp => "user.ip",
        IssueCategory => "issue.category",
        IssueType => "issue.type",
    }
}

impl RelUnit {
    /// Length of one unit in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            RelUnit::Minutes => 60,
            RelUnit::Hours => 3_600,
            RelUnit::Days => 86_400,
            RelUnit::Weeks => 604_800,
        }
    }
}

/// Comparison operator of a numeric or timestamp filter. `Eq` is written without an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CmpOp {
    /// Prefix written in a query (`""` for `Eq`).
    pub fn prefix(self) -> &'static str {
        match self {
            CmpOp::Eq => "",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
        }
    }

    /// SQL operator.
    pub fn sql(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            other => other.prefix(),
        }
    }

    /// `lhs <op> rhs`.
    pub fn eval<T: PartialOrd>(self, lhs: &T, rhs: &T) -> bool {
        match self {
            CmpOp::Eq => lhs == rhs,
            CmpOp::Gt => lhs > rhs,
            CmpOp::Ge => lhs >= rhs,
            CmpOp::Lt => lhs < rhs,
            CmpOp::Le => lhs <= rhs,
        }
    }
}
