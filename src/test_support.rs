//! Strategies shared by the property tests: text as strangers write it (control characters,
//! escape sequences, bidi overrides, zero-width and wide characters, combining marks, emoji)
//! and arbitrary JSON built from it.

use proptest::prelude::*;
use serde_json::{Map, Value};

/// Text with every kind of character that has tripped a terminal or a parser.
pub fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 _.:/-]{0,24}",
        "[\\x00-\\x1f\\x7f-\\x9f\u{200b}-\u{200f}\u{202a}-\u{202e}\u{2066}-\u{2069}a-z 配送🚀\u{0301}\\[\\];]{0,40}",
        Just("\u{1b}]52;c;SU5KRUNURUQ=\u{7}".to_string()),
        Just("\u{1b}[2J\u{1b}[8;1;1t\u{9b}31m".to_string()),
        Just("x".repeat(5000)),
    ]
}

/// Any JSON value, up to a few levels deep, with keys and strings from [`hostile_text`].
pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        hostile_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((hostile_text(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// `value`, or now and then some other JSON in its place (a field of the wrong type).
pub fn or_junk(value: impl Strategy<Value = Value>) -> impl Strategy<Value = Value> {
    prop_oneof![4 => value, 1 => json_value()]
}
