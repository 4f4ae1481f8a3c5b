//! The JSON tree the ingest path works on: strings borrow from the payload when they have no
//! escapes, and objects are ordered vectors of entries. An event is parsed once, rewritten in
//! place by normalization, scrubbing and trimming, read by grouping, serialized once and
//! dropped, so a tree that allocates only what it must and hashes nothing is most of the parse
//! cost saved (serde_json's own tree takes twice as long on the bench templates).
//!
//! Contract:
//! * [`parse`] reads text through serde_json's parser, so the input rules are serde_json's:
//!   the same syntax errors with line and column, at most 128 levels of nesting, and a
//!   duplicated object key keeps its first position and its last value.
//! * Serializing a [`Value`] writes the JSON serde_json would write for the same tree, keys in
//!   their order.
//! * [`Map`] lookups and [`Map::insert`] compare keys one by one, which is cheap for the
//!   objects events are made of but linear in the object's size: a payload may hold an object
//!   of a million keys, so code that adds many keys to one map uses [`Map::push_new`] (keys it
//!   knows are new) or [`fold_repeats`], never `insert` in a loop. Equality of maps ignores
//!   order, as serde_json's does.
//! * Removing a key keeps the order of the others (serde_json's `preserve_order` map moves its
//!   last key into the gap), so a stored event keeps the order its SDK sent.
//! * Conversions to and from `serde_json::Value` exist for the places that hold one (the Web
//!   API, tests); they copy.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
pub use serde_json::Number;

/// `serde_json::json!`, converted to a tree (for tests).
#[cfg(test)]
macro_rules! tree {
    ($($json:tt)+) => {
        $crate::ingest::tree::Value::from(::serde_json::json!($($json)+))
    };
}
#[cfg(test)]
pub(crate) use tree;

/// A JSON value whose strings may borrow from the text it was parsed from.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Value<'a> {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Map<'a>),
}

/// A JSON object: its entries in order, keys unique.
#[derive(Debug, Clone, Default)]
pub struct Map<'a> {
    entries: Vec<(Cow<'a, str>, Value<'a>)>,
}

/// Parses JSON text into a tree borrowing from it.
pub fn parse(text: &str) -> Result<Value<'_>, serde_json::Error> {
    serde_json::from_str(text)
}

impl<'a> Value<'a> {
    /// The member `index` of an object (a key) or an array (a position).
    pub fn get<I: Index>(&self, index: I) -> Option<&Value<'a>> {
        index.index_into(self)
    }

    pub fn get_mut<I: Index>(&mut self, index: I) -> Option<&mut Value<'a>> {
        index.index_into_mut(self)
    }

    /// The value at a JSON pointer (RFC 6901), such as `/mechanism/handled`.
    pub fn pointer(&self, pointer: &str) -> Option<&Value<'a>> {
        if pointer.is_empty() {
            return Some(self);
        }
        pointer.strip_prefix('/')?.split('/').try_fold(self, |target, token| match target {
            Value::Object(map) => map.get(&unescape(token)),
            Value::Array(list) => list.get(array_index(token)?),
            _ => None,
        })
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value<'a>>> {
        match self {
            Value::Array(list) => Some(list),
            _ => None,
        }
    }

    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value<'a>>> {
        match self {
            Value::Array(list) => Some(list),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map<'a>> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    pub fn as_object_mut(&mut self) -> Option<&mut Map<'a>> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }
}

/// `text` narrowed to the part of it `part` picks, such as `|t| t.trim()`. No copy is made when
/// `text` is borrowed or `part` keeps all of it.
pub fn narrow<'a>(text: Cow<'a, str>, part: impl for<'s> FnOnce(&'s str) -> &'s str) -> Cow<'a, str> {
    match text {
        Cow::Borrowed(text) => Cow::Borrowed(part(text)),
        Cow::Owned(text) => {
            let kept = part(&text);
            if kept.len() == text.len() { Cow::Owned(text) } else { Cow::Owned(kept.to_owned()) }
        }
    }
}

/// The first `max` characters of `text`.
pub fn first_chars(text: &str, max: usize) -> &str {
    text.char_indices().nth(max).map_or(text, |(at, _)| &text[..at])
}

/// A pointer token as an array position: digits only, no leading zero (RFC 6901).
fn array_index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    (digits && (token == "0" || !token.starts_with('0'))).then(|| token.parse().ok()).flatten()
}

/// A pointer token with `~1` and `~0` decoded; borrowed when it has neither.
fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') { Cow::Owned(token.replace("~1", "/").replace("~0", "~")) } else { Cow::Borrowed(token) }
}

/// What [`Value::get`] accepts: an object key or an array position.
pub trait Index {
    fn index_into<'v, 'a>(&self, value: &'v Value<'a>) -> Option<&'v Value<'a>>;
    fn index_into_mut<'v, 'a>(&self, value: &'v mut Value<'a>) -> Option<&'v mut Value<'a>>;
}

impl Index for str {
    fn index_into<'v, 'a>(&self, value: &'v Value<'a>) -> Option<&'v Value<'a>> {
        value.as_object()?.get(self)
    }

    fn index_into_mut<'v, 'a>(&self, value: &'v mut Value<'a>) -> Option<&'v mut Value<'a>> {
        value.as_object_mut()?.get_mut(self)
    }
}

impl Index for usize {
    fn index_into<'v, 'a>(&self, value: &'v Value<'a>) -> Option<&'v Value<'a>> {
        value.as_array()?.get(*self)
    }

    fn index_into_mut<'v, 'a>(&self, value: &'v mut Value<'a>) -> Option<&'v mut Value<'a>> {
        value.as_array_mut()?.get_mut(*self)
    }
}

impl<T: Index + ?Sized> Index for &T {
    fn index_into<'v, 'a>(&self, value: &'v Value<'a>) -> Option<&'v Value<'a>> {
        (**self).index_into(value)
    }

    fn index_into_mut<'v, 'a>(&self, value: &'v mut Value<'a>) -> Option<&'v mut Value<'a>> {
        (**self).index_into_mut(value)
    }
}

impl<'a> Map<'a> {
    pub fn new() -> Self {
        Map { entries: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == key)
    }

    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value<'a>> {
        self.entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key` to `value`, in place when the key is there (returning the old value), else
    /// at the end.
    pub fn insert(&mut self, key: impl Into<Cow<'a, str>>, value: Value<'a>) -> Option<Value<'a>> {
        let key = key.into();
        match self.position(&key) {
            Some(at) => Some(std::mem::replace(&mut self.entries[at].1, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// Appends an entry whose key the caller knows is not in the map yet, without searching for
    /// it. (Adding n keys with [`Map::insert`] costs n² comparisons.)
    pub fn push_new(&mut self, key: impl Into<Cow<'a, str>>, value: Value<'a>) {
        self.entries.push((key.into(), value));
    }

    /// Removes `key`, keeping the order of the rest.
    pub fn remove(&mut self, key: &str) -> Option<Value<'a>> {
        let at = self.position(key)?;
        Some(self.entries.remove(at).1)
    }

    /// The value of `key`, inserted from `default` at the end when missing.
    pub fn get_or_insert_with(
        &mut self,
        key: impl Into<Cow<'a, str>>,
        default: impl FnOnce() -> Value<'a>,
    ) -> &mut Value<'a> {
        let key = key.into();
        let at = match self.position(&key) {
            Some(at) => at,
            None => {
                self.entries.push((key, default()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[at].1
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &Value<'a>)> {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&str, &mut Value<'a>)> {
        self.entries.iter_mut().map(|(k, v)| (&**k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_ref())
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Value<'a>> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Entries as parsed, with repeated keys folded.
    fn from_parsed(entries: Vec<(Cow<'a, str>, Value<'a>)>) -> Self {
        Map { entries: fold_repeats(entries) }
    }
}

/// Folds entries with the same key into one, at the first one's position with the last one's
/// value (what serde_json's parser does with a repeated key). n log n at worst, and one
/// pairwise pass for a few entries.
pub fn fold_repeats<'a, V>(mut entries: Vec<(Cow<'a, str>, V)>) -> Vec<(Cow<'a, str>, V)> {
    if !has_duplicates(&entries) {
        return entries;
    }
    let mut at: BTreeMap<Cow<'a, str>, usize> = BTreeMap::new();
    let mut unique: Vec<(Cow<'a, str>, V)> = Vec::with_capacity(entries.len());
    for (key, value) in entries.drain(..) {
        match at.get(&key) {
            Some(&i) => unique[i].1 = value,
            None => {
                at.insert(key.clone(), unique.len());
                unique.push((key, value));
            }
        }
    }
    unique
}

/// Whether any key repeats: pairwise for small objects, by sorting for large ones, so a huge
/// object costs n log n, not n².
fn has_duplicates<V>(entries: &[(Cow<'_, str>, V)]) -> bool {
    if entries.len() <= 16 {
        return entries.iter().enumerate().any(|(i, (key, _))| entries[..i].iter().any(|(k, _)| k == key));
    }
    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_ref()).collect();
    keys.sort_unstable();
    keys.windows(2).any(|pair| pair[0] == pair[1])
}

impl PartialEq for Map<'_> {
    /// Same keys with equal values, in any order.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl<'a> IntoIterator for Map<'a> {
    type Item = (Cow<'a, str>, Value<'a>);
    type IntoIter = std::vec::IntoIter<(Cow<'a, str>, Value<'a>)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K: Into<Cow<'a, str>>> FromIterator<(K, Value<'a>)> for Map<'a> {
    /// Later duplicates replace earlier values, as [`Map::insert`] does.
    fn from_iter<T: IntoIterator<Item = (K, Value<'a>)>>(iter: T) -> Self {
        let mut map = Map::new();
        for (key, value) in iter {
            map.insert(key, value);
        }
        map
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(text: &'a str) -> Self {
        Value::String(Cow::Borrowed(text))
    }
}

impl From<String> for Value<'_> {
    fn from(text: String) -> Self {
        Value::String(Cow::Owned(text))
    }
}

impl<'a> From<Cow<'a, str>> for Value<'a> {
    fn from(text: Cow<'a, str>) -> Self {
        Value::String(text)
    }
}

impl From<bool> for Value<'_> {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value<'_> {
    /// Non-finite numbers have no JSON form and become `null`, as in serde_json.
    fn from(n: f64) -> Self {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

impl From<u64> for Value<'_> {
    fn from(n: u64) -> Self {
        Value::Number(n.into())
    }
}

impl From<usize> for Value<'_> {
    fn from(n: usize) -> Self {
        Value::Number((n as u64).into())
    }
}

impl<'a> From<Vec<Value<'a>>> for Value<'a> {
    fn from(list: Vec<Value<'a>>) -> Self {
        Value::Array(list)
    }
}

impl<'a> From<Map<'a>> for Value<'a> {
    fn from(map: Map<'a>) -> Self {
        Value::Object(map)
    }
}

impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

impl From<serde_json::Value> for Value<'static> {
    fn from(value: serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n),
            serde_json::Value::String(s) => Value::String(Cow::Owned(s)),
            serde_json::Value::Array(list) => Value::Array(list.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(map) => {
                Value::Object(Map { entries: map.into_iter().map(|(k, v)| (Cow::Owned(k), Value::from(v))).collect() })
            }
        }
    }
}

impl<'a> From<&'a serde_json::Value> for Value<'a> {
    fn from(value: &'a serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.clone()),
            serde_json::Value::String(s) => Value::String(Cow::Borrowed(s)),
            serde_json::Value::Array(list) => Value::Array(list.iter().map(Value::from).collect()),
            serde_json::Value::Object(map) => Value::Object(Map {
                entries: map.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Value::from(v))).collect(),
            }),
        }
    }
}

impl From<Value<'_>> for serde_json::Value {
    fn from(value: Value<'_>) -> Self {
        match value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(b),
            Value::Number(n) => serde_json::Value::Number(n),
            Value::String(s) => serde_json::Value::String(s.into_owned()),
            Value::Array(list) => serde_json::Value::Array(list.into_iter().map(serde_json::Value::from).collect()),
            Value::Object(map) => serde_json::Value::Object(
                map.into_iter().map(|(k, v)| (k.into_owned(), serde_json::Value::from(v))).collect(),
            ),
        }
    }
}

impl PartialEq<serde_json::Value> for Value<'_> {
    fn eq(&self, other: &serde_json::Value) -> bool {
        match (self, other) {
            (Value::Null, serde_json::Value::Null) => true,
            (Value::Bool(a), serde_json::Value::Bool(b)) => a == b,
            (Value::Number(a), serde_json::Value::Number(b)) => a == b,
            (Value::String(a), serde_json::Value::String(b)) => a == b,
            (Value::Array(a), serde_json::Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
            }
            (Value::Object(a), serde_json::Value::Object(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| v == w))
            }
            _ => false,
        }
    }
}

impl fmt::Display for Value<'_> {
    /// Compact JSON, as serde_json prints its own values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&serde_json::to_string(self).map_err(|_| fmt::Error)?)
    }
}

impl Serialize for Value<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => n.serialize(serializer),
            Value::String(text) => serializer.serialize_str(text),
            Value::Array(list) => list.serialize(serializer),
            Value::Object(map) => map.serialize(serializer),
        }
    }
}

impl Serialize for Map<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value<'de>, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value<'de>, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value<'de>, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value<'de>, E> {
        Ok(Value::from(n))
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E>(self, text: String) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Owned(text)))
    }

    fn visit_unit<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value<'de>, D::Error> {
        Deserialize::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            list.push(item);
        }
        Ok(Value::Array(list))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value<'de>, A::Error> {
        let mut entries = Vec::with_capacity(access.size_hint().unwrap_or(0).min(4096));
        while let Some(key) = access.next_key_seed(KeySeed)? {
            entries.push((key, access.next_value()?));
        }
        Ok(Value::Object(Map::from_parsed(entries)))
    }
}

/// Reads an object key, borrowing it when the parser can.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(text))
    }

    fn visit_str<E>(self, text: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(text))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn strings_without_escapes_borrow_from_the_text() {
        let text = r#"{"plain": "abc", "esc\u0061ped": "a\nb", "list": ["x"]}"#;
        let value = parse(text).unwrap_or_default();
        let map = value.as_object().cloned().unwrap_or_default();
        let borrowed = |v: Option<&Value<'_>>| matches!(v, Some(Value::String(Cow::Borrowed(_))));
        assert!(borrowed(map.get("plain")));
        assert!(matches!(map.get("escaped"), Some(Value::String(Cow::Owned(s))) if s == "a\nb"));
        assert!(borrowed(value.pointer("/list/0")));
        assert!(map.entries.iter().any(|(k, _)| matches!(k, Cow::Owned(k) if k == "escaped")));
        assert!(map.entries.iter().any(|(k, _)| matches!(k, Cow::Borrowed("plain"))));
    }

    #[test]
    fn round_trips_as_serde_json_does_keeping_key_order() {
        let text = r#"{"z":1,"a":[true,null,-2,3.5,1e300,"\u001b[31m"],"m":{"y":{},"b":[]},"u":18446744073709551615}"#;
        let ours = serde_json::to_string(&parse(text).unwrap_or_default()).unwrap_or_default();
        let theirs = serde_json::to_string(&serde_json::from_str::<serde_json::Value>(text).unwrap_or_default())
            .unwrap_or_default();
        assert_eq!(ours, theirs);
        assert!(ours.starts_with(r#"{"z":1,"a":"#));
    }

    #[test]
    fn duplicate_keys_keep_the_first_position_and_the_last_value() {
        let small = parse(r#"{"a":1,"b":2,"a":3}"#).unwrap_or_default();
        assert_eq!(small.to_string(), r#"{"a":3,"b":2}"#);
        let mut text = String::from("{");
        for i in 0..100 {
            text.push_str(&format!("\"k{i}\":{i},"));
        }
        text.push_str("\"k7\":\"last\"}");
        let large = parse(&text).unwrap_or_default();
        let map = large.as_object().cloned().unwrap_or_default();
        assert_eq!(map.len(), 100);
        assert_eq!(map.keys().nth(7), Some("k7"));
        assert_eq!(map.get("k7"), Some(&Value::from("last")));
        assert_eq!(large, serde_json::from_str::<serde_json::Value>(&text).unwrap_or_default());
        // The same key spelled with an escape is the same key.
        assert_eq!(parse(r#"{"a":1,"\u0061":2}"#).unwrap_or_default().to_string(), r#"{"a":2}"#);
    }

    #[test]
    fn folding_keeps_first_positions_and_last_values() {
        let pairs = |list: &[(&'static str, u32)]| list.iter().map(|&(k, v)| (Cow::Borrowed(k), v)).collect::<Vec<_>>();
        assert_eq!(fold_repeats(pairs(&[("b", 1), ("a", 2), ("b", 3)])), pairs(&[("b", 3), ("a", 2)]));
        let many: Vec<(Cow<'static, str>, u32)> = (0..1000).map(|i| (Cow::Owned(format!("k{}", i % 500)), i)).collect();
        let folded = fold_repeats(many);
        assert_eq!(folded.len(), 500);
        assert_eq!(folded[7], (Cow::Borrowed("k7"), 507));
    }

    #[test]
    fn errors_and_depth_are_serde_jsons() {
        let err = parse("{\n  \"a\": [1, 2,\n}").err().map(|e| (e.line(), e.column()));
        assert_eq!(err, Some((3, 1)));
        for depth in [127, 128, 129] {
            let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let theirs = serde_json::from_str::<serde_json::Value>(&nested).map_err(|e| e.to_string());
            assert_eq!(parse(&nested).map(|_| ()).map_err(|e| e.to_string()), theirs.map(|_| ()), "{depth}");
        }
        assert!(parse(&"[".repeat(200)).is_err_and(|e| e.to_string().contains("recursion limit")));
    }

    #[test]
    fn maps_insert_in_place_and_remove_in_order() {
        let mut map: Map<'_> =
            [("a", Value::from(1u64)), ("b", Value::from(2u64)), ("c", Value::from(3u64))].into_iter().collect();
        assert_eq!(map.insert("b", Value::from("two")), Some(Value::from(2u64)));
        assert_eq!(map.insert("d", Value::Null), None);
        assert_eq!(map.remove("a"), Some(Value::from(1u64)));
        assert_eq!(map.keys().collect::<Vec<_>>(), ["b", "c", "d"]);
        *map.get_or_insert_with("c", || Value::Null) = Value::Bool(true);
        map.get_or_insert_with("e", || Value::from("new"));
        map.remove("d");
        map.push_new("f", Value::Null);
        assert_eq!(map.keys().collect::<Vec<_>>(), ["b", "c", "e", "f"]);
        assert_eq!(Value::Object(map), json!({"f": null, "e": "new", "c": true, "b": "two"}));
    }

    #[test]
    fn pointers_read_objects_and_arrays_with_escapes() {
        let value = Value::from(json!({"a/b": {"~x": [10, 20]}, "n": null}));
        assert_eq!(value.pointer("/a~1b/~0x/1"), Some(&Value::from(20u64)));
        assert_eq!(value.pointer(""), Some(&value));
        assert_eq!(value.pointer("/n"), Some(&Value::Null));
        assert_eq!(value.pointer("/a~1b/~0x/2"), None);
        assert_eq!(value.pointer("a"), None);
        // Array positions as RFC 6901 writes them: no sign, no leading zero.
        assert_eq!(value.pointer("/a~1b/~0x/0"), Some(&Value::from(10u64)));
        for bad in ["/a~1b/~0x/01", "/a~1b/~0x/+1", "/a~1b/~0x/-1", "/a~1b/~0x/"] {
            assert_eq!(value.pointer(bad), None, "{bad}");
        }
    }

    #[test]
    fn narrowing_copies_only_an_owned_string_that_changes() {
        let borrowed = narrow(Cow::Borrowed("  a b  "), str::trim);
        assert!(matches!(borrowed, Cow::Borrowed("a b")));
        let kept = narrow(Cow::Owned("ab".to_string()), str::trim);
        assert!(matches!(kept, Cow::Owned(ref s) if s == "ab"));
        let cut = narrow(Cow::Owned("??q=1".to_string()), |t| t.trim_start_matches('?'));
        assert_eq!(cut, "q=1");
        assert_eq!(first_chars("héllo", 2), "hé");
        assert_eq!(first_chars("hé", 5), "hé");
    }

    #[test]
    fn converts_both_ways_with_serde_json() {
        let original = json!({"k": [1, "two", {"three": 3.5}], "b": false, "n": null});
        let borrowed = Value::from(&original);
        assert_eq!(borrowed, original);
        assert_eq!(serde_json::Value::from(borrowed.clone()), original);
        assert_eq!(Value::from(original.clone()), borrowed);
        assert_eq!(Value::from(f64::NAN), Value::Null);
    }
}
