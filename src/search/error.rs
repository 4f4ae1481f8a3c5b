//! The single error type of the search module.
//!
//! Contract: `position` is a 0-based offset in `char`s (not bytes) into the parsed input and points
//! at the offending token (the opening quote of an unterminated string, the `[` of a forbidden
//! list, the bad value, the bad unit character...). `Display` is exactly
//! `Error parsing search query: {message} (at position {position})`, suitable for a 400
//! `{"detail": ...}` body.

use thiserror::Error;

/// A query that cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("Error parsing search query: {message} (at position {position})")]
pub struct ParseError {
    /// 0-based char offset of the offending token.
    pub position: usize,
    /// Human-readable reason, without position.
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(position: usize, message: impl Into<String>) -> Self {
        ParseError { position, message: message.into() }
    }
}
