//! What the opened issue shows beside its event: the feedback people sent about it (the
//! Feedback section, counted in the header), the opened event's attachments (the Attachments
//! line: one selected, saved to a file or paged), and the pager that shows a text attachment.
//! Plain data and pure helpers; the reducer fills it, the views read it.

use super::state::{Load, ReqId};
use crate::api::models::{Attachment, UserReport};

/// The largest attachment the pager shows (the rest is cut, and it says so).
pub const PAGER_BYTES: usize = 1 << 20;

#[derive(Debug, Clone, Default)]
pub struct Sidecar {
    /// The feedback, newest first.
    pub feedback: Load<Vec<UserReport>>,
    /// The event whose attachments are listed.
    pub attachments_of: Option<String>,
    pub attachments: Load<Vec<Attachment>>,
    /// The selected attachment (index into `attachments`).
    pub selected: usize,
    /// The download in flight (to save or to page).
    pub transfer: Option<ReqId>,
    /// A text attachment being read.
    pub pager: Option<Pager>,
}

impl Sidecar {
    /// The selected attachment.
    pub fn current(&self) -> Option<&Attachment> {
        self.attachments.ready().and_then(|a| a.get(self.selected))
    }

    /// How many feedback records the header counts, once known.
    pub fn feedback_count(&self) -> Option<usize> {
        self.feedback.ready().map(Vec::len)
    }
}

/// A text attachment shown inside the console, already made safe to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    pub name: String,
    /// Sanitised lines (no control characters or escape sequences).
    pub lines: Vec<String>,
    pub scroll: usize,
    /// The attachment was longer than [`PAGER_BYTES`].
    pub cut: bool,
}

impl Pager {
    /// Reads `bytes` as text (invalid UTF-8 is replaced), cut at [`PAGER_BYTES`], each line
    /// sanitised.
    pub fn new(name: &str, bytes: &[u8]) -> Self {
        let cut = bytes.len() > PAGER_BYTES;
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(PAGER_BYTES)]);
        let lines = text.lines().map(super::sanitize::one_line).collect();
        Self { name: super::sanitize::one_line(name), lines, scroll: 0, cut }
    }
}

/// A file name for an attachment that cannot leave the directory it is saved in: the last
/// part of the SDK's name, with path separators, `..`, NUL, control and other unsafe
/// characters replaced, never empty, never a dot file.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| if c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    let cleaned: String = cleaned.chars().take(120).collect();
    if cleaned.is_empty() { "attachment".into() } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_escape_the_directory() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(safe_file_name(".."), "attachment");
        assert_eq!(safe_file_name("a/"), "attachment");
        assert_eq!(safe_file_name("log\u{0}.txt"), "log_.txt");
        assert_eq!(safe_file_name("\u{1b}[2Jevil\r\n.log"), "_[2Jevil__.log");
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        assert_eq!(safe_file_name("résumé 🚀.txt"), "résumé 🚀.txt");
    }

    #[test]
    fn the_pager_shows_no_control_characters_and_says_when_it_cut() {
        let pager = Pager::new("x\u{1b}.log", b"ok\n\x1b]52;c;ZXZpbA==\x07\x1b[2J\n\xff\xfe");
        assert_eq!(pager.lines.len(), 3);
        assert!(pager.lines.iter().chain([&pager.name]).all(|l| !l.chars().any(char::is_control)), "{pager:?}");
        assert!(!pager.cut);
        assert!(Pager::new("big", &vec![b'a'; PAGER_BYTES + 1]).cut);
    }
}
