//! Why an ingest request was refused. Each variant maps to one HTTP status; the message is what
//! the client reads in `{"detail": ...}` and it says what was wrong and where.

/// A refused ingest request.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum IngestError {
    /// Malformed input: 400.
    #[error("{0}")]
    BadRequest(String),
    /// No credentials: 401.
    #[error("{0}")]
    Unauthorized(String),
    /// Wrong or disabled credentials: 403.
    #[error("{0}")]
    Forbidden(String),
    /// The project in the URL does not exist: 404.
    #[error("{0}")]
    UnknownProject(String),
    /// Over a size limit: 413.
    #[error("{0}")]
    TooLarge(String),
    /// Over the key's rate limit: 429.
    #[error("rate limit exceeded for this DSN key; retry after {retry_after} seconds")]
    RateLimited { retry_after: u64 },
    /// Storage failed: 503, so SDKs may retry later.
    #[error("{0}")]
    Unavailable(String),
}

impl IngestError {
    /// The HTTP status code for this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest(_) => 400,
            Self::Unauthorized(_) => 401,
            Self::Forbidden(_) => 403,
            Self::UnknownProject(_) => 404,
            Self::TooLarge(_) => 413,
            Self::RateLimited { .. } => 429,
            Self::Unavailable(_) => 503,
        }
    }

    pub(crate) fn bad(message: impl Into<String>) -> Self {
        Self::BadRequest(message.into())
    }
}
