//! The output formats and the one entry point that renders a digest in any of them.
//!
//! Contract: [`render`] is pure and deterministic. Only `Text` looks at `width`; the others are
//! meant for files, chat and programs, not for a terminal of a given size.

use std::fmt;
use std::str::FromStr;

use super::digest::Digest;
use super::{markdown, slack, text};

/// How a digest is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// Markdown for a wiki, an issue or a chat that renders it.
    #[value(alias = "md")]
    Markdown,
    /// The JSON documented on `Digest` (version 1).
    Json,
    /// Plain aligned text for a terminal, no colour.
    #[value(alias = "txt")]
    Text,
    /// A Slack Block Kit payload to POST to an incoming webhook as is.
    Slack,
}

impl Format {
    pub const ALL: [Format; 4] = [Self::Markdown, Self::Json, Self::Text, Self::Slack];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Markdown => "markdown",
            Self::Json => "json",
            Self::Text => "text",
            Self::Slack => "slack",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    /// Any spelling clap accepts (`md`, `txt`, any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        <Self as clap::ValueEnum>::from_str(s.trim(), true).map_err(|_| {
            let valid: Vec<&str> = Self::ALL.iter().map(|f| f.as_str()).collect();
            format!("unknown report format {s:?}; expected one of: {}", valid.join(", "))
        })
    }
}

/// `digest` in `format`. `width` is the terminal width for `Text` (no line is wider; 0 means
/// 80); the other formats ignore it. Every output ends with a newline.
pub fn render(digest: &Digest, format: Format, width: usize) -> String {
    match format {
        Format::Markdown => markdown::render(digest),
        Format::Json => json(digest),
        Format::Text => text::render(digest, if width == 0 { 80 } else { width }),
        Format::Slack => slack::render(digest),
    }
}

fn json(digest: &Digest) -> String {
    match serde_json::to_string_pretty(digest) {
        Ok(mut out) => {
            out.push('\n');
            out
        }
        // Unreachable: the digest holds only strings, numbers and lists.
        Err(err) => format!("{{\"error\": {}}}\n", serde_json::Value::from(err.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_spelling() {
        for format in Format::ALL {
            assert_eq!(format.as_str().parse::<Format>(), Ok(format));
            assert_eq!(format.as_str().to_uppercase().parse::<Format>(), Ok(format));
        }
        assert_eq!("md".parse::<Format>(), Ok(Format::Markdown));
        let err = "html".parse::<Format>().unwrap_err();
        assert_eq!(err, "unknown report format \"html\"; expected one of: markdown, json, text, slack");
    }
}
