//! Syntax highlighting of stack-frame source context with syntect, for the console's frame view.
//!
//! Contract: the grammars and themes are loaded once per process (`Highlighter::shared`; ~2 ms, but each
//! grammar's first snippet costs 25-70 ms more while syntect unpacks it); only the frames on screen are
//! highlighted, as one snippet
//! per frame (pre-context + context line + post-context) so multi-line strings and comments keep their
//! state; results are memoised in a `HighlightCache`. Highlighting is CPU work of a few milliseconds per
//! frame: call `HighlightCache::get_or_highlight` from a worker (e.g. `spawn_blocking`), never while
//! drawing; the draw path only calls `HighlightCache::get`, which takes a short lock and never highlights.
//! Output is plain data, one `Vec<(Style, String)>` per input line with foreground colour (`Color::Rgb`
//! straight from the syntect theme; the console downsamples to the terminal's colour depth) and
//! bold/italic/underline only, never a background. All text is sanitised first, so no control character
//! from event data can reach the terminal. Nothing here panics or fails visibly: on a grammar error the
//! snippet comes back unstyled.

mod cache;
mod highlighter;
mod language;
mod sanitize;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

pub use cache::{CacheStats, DEFAULT_CAPACITY, HighlightCache};
pub use highlighter::{DEFAULT_THEME, HighlightError, Highlighter, MAX_HIGHLIGHT_LEN};
pub use language::Language;
pub use sanitize::{TAB_WIDTH, sanitize_line};

/// Highlighted source: one list of styled spans per input line, in order.
pub type Highlighted = Vec<Vec<(Style, String)>>;

/// Turns highlighted spans into owned ratatui lines.
pub fn to_lines(spans: Highlighted) -> Vec<Line<'static>> {
    spans.into_iter().map(|line| line.into_iter().map(|(style, text)| Span::styled(text, style)).collect()).collect()
}

/// Turns highlighted spans (e.g. held in a cache `Arc`) into ratatui lines that borrow the text.
pub fn borrowed_lines(spans: &[Vec<(Style, String)>]) -> Vec<Line<'_>> {
    spans.iter().map(|line| line.iter().map(|(style, text)| Span::styled(text.as_str(), *style)).collect()).collect()
}

#[cfg(test)]
mod tests;
