//! Tagged grouping components and the md5 digest over them.
//!
//! Contract: a grouping input is an ordered list of [`Component`]s, each a `(kind, value)` pair.
//! [`hash_components`] frames every kind and value with its byte length before feeding it to md5,
//! so no two different lists can produce the same byte stream (`["ab","c"]` and `["a","bc"]`
//! differ, and so do a frame function and an exception type with the same text). The result is
//! always 32 lowercase hex characters.

use md5::{Digest, Md5};

/// One contributing value, tagged with what it is (`"type"`, `"function"`, `"fingerprint"`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Component {
    pub(super) kind: &'static str,
    pub(super) value: String,
}

/// Builds a component from anything string-like.
pub(super) fn comp(kind: &'static str, value: impl Into<String>) -> Component {
    Component { kind, value: value.into() }
}

/// md5 over the length-framed components, as 32 lowercase hex characters.
pub(super) fn hash_components(parts: &[Component]) -> String {
    let mut hasher = Md5::new();
    for part in parts {
        for text in [part.kind, part.value.as_str()] {
            hasher.update(text.len().to_string().as_bytes());
            hasher.update(b":");
            hasher.update(text.as_bytes());
        }
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_32_lowercase_hex() {
        let h = hash_components(&[comp("type", "ValueError")]);
        assert_eq!(h.len(), 32);
        assert!(h.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }

    #[test]
    fn empty_list_hashes_to_md5_of_nothing() {
        assert_eq!(hash_components(&[]), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn framing_prevents_concatenation_collisions() {
        let a = hash_components(&[comp("fingerprint", "ab"), comp("fingerprint", "c")]);
        let b = hash_components(&[comp("fingerprint", "a"), comp("fingerprint", "bc")]);
        assert_ne!(a, b);
        // the kind must not act as the only separator either
        let c = hash_components(&[comp("fingerprint", "fingerprintx")]);
        let d = hash_components(&[comp("fingerprint", ""), comp("fingerprint", "x")]);
        assert_ne!(c, d);
    }

    #[test]
    fn kind_is_part_of_the_hash() {
        let a = hash_components(&[comp("type", "foo")]);
        let b = hash_components(&[comp("function", "foo")]);
        assert_ne!(a, b);
    }

    #[test]
    fn hash_is_deterministic_and_order_sensitive() {
        let x = [comp("type", "A"), comp("value", "B")];
        let y = [comp("value", "B"), comp("type", "A")];
        assert_eq!(hash_components(&x), hash_components(&x.clone()));
        assert_ne!(hash_components(&x), hash_components(&y));
    }
}
