//! The `field=` (and `yAxis=`, `sort=`) language of the Discover endpoints, for transactions:
//! plain fields (`transaction`, `project`, `transaction.duration`, ...) and the functions the
//! Performance views use (`count()`, `epm()`, `p50()` to `p100()`, `percentile(...)`, `avg()`,
//! `min()`, `max()`, `sum()` of `transaction.duration`, `failure_rate()`, `failure_count()`,
//! `count_unique(user)`). Each parses once into a [`Field`] that knows its meta type and unit
//! and how to read its value from a group or a sample; unknown names are refused with the list
//! of known ones.

use serde_json::{Value, json};

use crate::server::api::issue_json::iso;
use crate::store::transactions::query::{Group, GroupKey, Sample};

/// A plain (non-aggregate) field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plain {
    Transaction,
    Project,
    Environment,
    Release,
    Op,
    Status,
    Id,
    Trace,
    SpanId,
    Timestamp,
    Duration,
    User,
    SpanCount,
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Function {
    Count,
    /// Per minute (`epm()`, `tpm()`) or per second (`eps()`, `tps()`): the seconds per unit.
    Rate(f64),
    Quantile(f64),
    Avg,
    Min,
    Max,
    Sum,
    FailureRate,
    FailureCount,
    Users,
}

/// One requested field, with the text it was asked as (the row key).
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Plain(Plain),
    Function(Function),
}

const PLAIN: &[(&str, Plain)] = &[
    ("transaction", Plain::Transaction),
    ("title", Plain::Transaction),
    ("project", Plain::Project),
    ("project.name", Plain::Project),
    ("environment", Plain::Environment),
    ("release", Plain::Release),
    ("transaction.op", Plain::Op),
    ("transaction.status", Plain::Status),
    ("id", Plain::Id),
    ("trace", Plain::Trace),
    ("trace.span", Plain::SpanId),
    ("timestamp", Plain::Timestamp),
    ("transaction.duration", Plain::Duration),
    ("span.duration", Plain::Duration),
    ("span.op", Plain::Op),
    ("span.status", Plain::Status),
    ("transaction.event_id", Plain::Id),
    ("transaction.span_id", Plain::SpanId),
    ("user", Plain::User),
    ("user.display", Plain::User),
    ("span_count", Plain::SpanCount),
];

/// The functions, for error messages.
pub const FUNCTIONS: &str = "count(), epm(), tpm(), eps(), tps(), p50(), p75(), p90(), p95(), p99(), p100(), \
                             percentile(transaction.duration, Q), avg(), min(), max() and sum() of \
                             transaction.duration, failure_rate(), failure_count(), count_unique(user)";

fn plain_names() -> String {
    PLAIN.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", ")
}

/// Which dataset the fields are named in: in `spans`, `id` is the span's id (here always a
/// transaction's root span, since only `is_transaction:true` is answered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    Transactions,
    Spans,
}

impl Dataset {
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Transactions => "transactions",
            Dataset::Spans => "spans",
        }
    }
}

impl Field {
    /// Parses one `field=` value, named as in `dataset`.
    pub fn parse_in(text: &str, dataset: Dataset) -> Result<Field, String> {
        let field = Field::parse(text)?;
        Ok(match (dataset, field.kind) {
            (Dataset::Spans, Kind::Plain(Plain::Id)) if field.name == "id" => {
                Field { kind: Kind::Plain(Plain::SpanId), ..field }
            }
            _ => field,
        })
    }

    /// Parses one `field=` value.
    pub fn parse(text: &str) -> Result<Field, String> {
        let name = text.trim().to_string();
        if let Some(&(_, plain)) = PLAIN.iter().find(|(n, _)| *n == name) {
            return Ok(Field { name, kind: Kind::Plain(plain) });
        }
        let Some((function, rest)) = name.split_once('(') else {
            return Err(format!("Unknown field: {name:?}. Fields: {}; functions: {FUNCTIONS}", plain_names()));
        };
        let Some(args) = rest.strip_suffix(')') else {
            return Err(format!("{name:?} is not a function call: it has no closing parenthesis"));
        };
        let args: Vec<&str> = args.split(',').map(str::trim).filter(|a| !a.is_empty()).collect();
        let duration_only = |args: &[&str]| match args {
            [] | ["transaction.duration" | "span.duration"] => Ok(()),
            other => Err(format!("{function}() takes transaction.duration, not {:?}", other.join(", "))),
        };
        let none = |args: &[&str]| match args {
            [] => Ok(()),
            other => Err(format!("{function}() takes no argument, not {:?}", other.join(", "))),
        };
        let kind = match function {
            "count" => {
                // `count(id)` and `count(transaction.duration)` count rows too.
                Function::Count
            }
            "epm" | "tpm" => none(&args).map(|()| Function::Rate(60.0))?,
            "eps" | "tps" => none(&args).map(|()| Function::Rate(1.0))?,
            "p50" | "p75" | "p90" | "p95" | "p99" | "p100" => {
                duration_only(&args)?;
                let percent: f64 = function[1..].parse().unwrap_or(50.0);
                Function::Quantile(percent / 100.0)
            }
            "percentile" => match args.as_slice() {
                ["transaction.duration" | "span.duration", q] => match q.parse::<f64>() {
                    Ok(q) if (0.0..=1.0).contains(&q) => Function::Quantile(q),
                    _ => return Err(format!("percentile() takes a quantile from 0 to 1, not {q:?}")),
                },
                _ => return Err("percentile() takes transaction.duration and a quantile, e.g. percentile(transaction.duration, 0.95)".into()),
            },
            "avg" => duration_only(&args).map(|()| Function::Avg)?,
            "min" => duration_only(&args).map(|()| Function::Min)?,
            "max" => duration_only(&args).map(|()| Function::Max)?,
            "sum" => duration_only(&args).map(|()| Function::Sum)?,
            "failure_rate" => none(&args).map(|()| Function::FailureRate)?,
            "failure_count" => none(&args).map(|()| Function::FailureCount)?,
            "count_unique" => match args.as_slice() {
                ["user" | "user.display"] => Function::Users,
                other => return Err(format!("count_unique() counts user here, not {:?}", other.join(", "))),
            },
            other => return Err(format!("{other}() is not a valid function. Functions: {FUNCTIONS}")),
        };
        Ok(Field { name, kind: Kind::Function(kind) })
    }

    pub fn is_function(&self) -> bool {
        matches!(self.kind, Kind::Function(_))
    }

    /// What rows are grouped by for this plain field, if it can group.
    pub fn group_key(&self) -> Option<GroupKey> {
        match self.kind {
            Kind::Plain(Plain::Transaction) => Some(GroupKey::Transaction),
            Kind::Plain(Plain::Project) => Some(GroupKey::Project),
            Kind::Plain(Plain::Environment) => Some(GroupKey::Environment),
            Kind::Plain(Plain::Release) => Some(GroupKey::Release),
            Kind::Plain(Plain::Op) => Some(GroupKey::Op),
            Kind::Plain(Plain::Status) => Some(GroupKey::Status),
            _ => None,
        }
    }

    /// Sentry's meta type.
    pub fn meta_type(&self) -> &'static str {
        match self.kind {
            Kind::Plain(Plain::Timestamp) => "date",
            Kind::Plain(Plain::Duration) => "duration",
            Kind::Plain(Plain::SpanCount) => "integer",
            Kind::Plain(_) => "string",
            Kind::Function(Function::Count | Function::FailureCount | Function::Users) => "integer",
            Kind::Function(Function::Rate(_)) => "rate",
            Kind::Function(Function::FailureRate) => "percentage",
            Kind::Function(_) => "duration",
        }
    }

    /// Sentry's meta unit.
    pub fn unit(&self) -> Value {
        match self.meta_type() {
            "duration" => json!("millisecond"),
            "rate" => match self.kind {
                Kind::Function(Function::Rate(seconds)) if (seconds - 1.0).abs() < f64::EPSILON => json!("1/second"),
                _ => json!("1/minute"),
            },
            _ => Value::Null,
        }
    }

    /// The field's value in an aggregate row; `keys` are the group's values in the order of
    /// `group_fields`; `minutes` the window's length.
    pub fn group_value(&self, group: &Group, group_fields: &[&Field], minutes: f64) -> Value {
        let Kind::Function(function) = self.kind else {
            let at = group_fields.iter().position(|f| f.name == self.name);
            return at.and_then(|i| group.keys.get(i).cloned().flatten()).map_or(Value::Null, Value::from);
        };
        aggregate(function, group, minutes)
    }

    /// The field's value in a sample row; functions have none there.
    pub fn sample_value(&self, sample: &Sample) -> Value {
        let Kind::Plain(plain) = self.kind else { return Value::Null };
        match plain {
            Plain::Transaction => json!(sample.name),
            Plain::Project => json!(sample.project_slug),
            Plain::Environment => json!(sample.environment),
            Plain::Release => json!(sample.release),
            Plain::Op => json!(sample.op),
            Plain::Status => json!(sample.status),
            Plain::Id => json!(sample.event_id),
            Plain::Trace => json!(sample.trace_id),
            Plain::SpanId => json!(sample.span_id),
            Plain::Timestamp => json!(iso(sample.start + sample.duration_ms / 1000.0)),
            Plain::Duration => json!(round(sample.duration_ms)),
            Plain::User => json!(sample.user_key.as_deref().map(display_user)),
            Plain::SpanCount => json!(sample.span_count),
        }
    }
}

/// `id:42` shows as `42`, `email:a@b` as `a@b`: the identity without its kind.
fn display_user(key: &str) -> &str {
    key.split_once(':').map_or(key, |(_, v)| v)
}

/// Milliseconds kept to microseconds.
fn round(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

/// One function's value over a group of transactions (a row or a time bucket).
pub fn aggregate(function: Function, group: &Group, minutes: f64) -> Value {
    match function {
        Function::Count => json!(group.count),
        Function::Rate(seconds) => json!(group.count as f64 / (minutes * 60.0 / seconds).max(f64::MIN_POSITIVE)),
        Function::Quantile(q) => group.durations.quantile(q).map_or(Value::Null, |v| json!(round(v))),
        Function::Avg => group.avg_duration().map_or(Value::Null, |v| json!(round(v))),
        Function::Min => group.durations.quantile(0.0).map_or(Value::Null, |v| json!(round(v))),
        Function::Max => group.durations.quantile(1.0).map_or(Value::Null, |v| json!(round(v))),
        Function::Sum => json!(round(group.duration_sum)),
        Function::FailureRate => json!(group.failure_rate()),
        Function::FailureCount => json!(group.failures),
        Function::Users => json!(group.users),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_functions_parse_with_their_meta() {
        let cases = [
            ("transaction", "string"),
            ("count()", "integer"),
            ("epm()", "rate"),
            ("p95()", "duration"),
            ("p50(transaction.duration)", "duration"),
            ("percentile(transaction.duration, 0.99)", "duration"),
            ("avg(transaction.duration)", "duration"),
            ("failure_rate()", "percentage"),
            ("count_unique(user)", "integer"),
            ("timestamp", "date"),
        ];
        for (text, kind) in cases {
            let field = Field::parse(text).unwrap();
            assert_eq!((field.name.as_str(), field.meta_type()), (text, kind));
        }
        assert_eq!(Field::parse("p95()").unwrap().kind, Kind::Function(Function::Quantile(0.95)));
        assert_eq!(Field::parse("p95()").unwrap().unit(), json!("millisecond"));
        assert_eq!(Field::parse("epm()").unwrap().unit(), json!("1/minute"));
    }

    #[test]
    fn unknown_fields_and_functions_say_what_exists() {
        let err = Field::parse("flavour").unwrap_err();
        assert!(err.contains("Unknown field: \"flavour\"") && err.contains("transaction.duration"), "{err}");
        let err = Field::parse("p42()").unwrap_err();
        assert!(err.contains("p42() is not a valid function") && err.contains("failure_rate()"), "{err}");
        assert!(Field::parse("p95(measurements.lcp)").unwrap_err().contains("takes transaction.duration"));
        assert!(Field::parse("count_unique(release)").unwrap_err().contains("count_unique() counts user"));
        assert!(Field::parse("percentile(transaction.duration, 2)").unwrap_err().contains("from 0 to 1"));
        assert!(Field::parse("count(").unwrap_err().contains("no closing parenthesis"));
    }
}
