//! The syntect engine: default grammars and themes loaded once, snippets turned into ratatui styles.
//!
//! `Highlighter::new` decompresses syntect's embedded syntax and theme dumps (~2 ms with optimised
//! dependencies; the `load_cost` test prints it; call it once, through `Highlighter::shared`). syntect
//! unpacks each grammar and compiles its regexes lazily, so a language's first snippet costs 25-70 ms and
//! later ones well under 1 ms a line; that is why highlighting belongs on a worker. Highlighting sanitises
//! every line first (`sanitize_line`), feeds the snippet line by line through one parse state, keeps only
//! the foreground colour (`Color::Rgb`) and bold/italic/underline of each token, and merges neighbouring
//! tokens of equal style. Unknown theme names fall back to `DEFAULT_THEME`. PHP uses syntect's "PHP Source"
//! grammar, which highlights bare PHP code without a `<?php` tag; only a snippet that itself contains
//! `<?php` or `<?=` is highlighted with the HTML-embedding "PHP" grammar. A line longer than
//! `MAX_HIGHLIGHT_LEN` bytes (minified bundles) is emitted in the theme's plain colour and skipped by the
//! parser, so one huge line cannot stall a worker.

use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};
use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, Theme, ThemeSet};
use syntect::parsing::{SyntaxReference, SyntaxSet};

use super::{Highlighted, Language, sanitize_line};

/// The syntect theme used when the requested one does not exist (also sift's default pairing).
pub const DEFAULT_THEME: &str = "base16-ocean.dark";

/// Lines longer than this many bytes (after sanitising) are not parsed, only shown in the plain colour.
pub const MAX_HIGHLIGHT_LEN: usize = 2_000;

/// Why a snippet could not be highlighted (a grammar's regex failed); `Highlighter::highlight` hides it.
#[derive(Debug, thiserror::Error)]
#[error("cannot highlight {language} source: {source}")]
pub struct HighlightError {
    /// The language that was being highlighted.
    pub language: Language,
    /// syntect's error.
    #[source]
    pub source: syntect::Error,
}

/// syntect's default grammars and themes. `Send + Sync`: share one (see `shared`) across threads.
pub struct Highlighter {
    syntaxes: SyntaxSet,
    themes: ThemeSet,
    /// Used only if even `DEFAULT_THEME` were missing from the set.
    fallback_theme: Theme,
}

impl Default for Highlighter {
    fn default() -> Self {
        Highlighter::new()
    }
}

impl Highlighter {
    /// Loads syntect's default syntax set (newline flavour) and themes. Costly (see the module docs):
    /// prefer `shared`.
    pub fn new() -> Self {
        Highlighter {
            syntaxes: SyntaxSet::load_defaults_newlines(),
            themes: ThemeSet::load_defaults(),
            fallback_theme: Theme::default(),
        }
    }

    /// The process-wide instance, loaded on first call; later calls are free.
    pub fn shared() -> &'static Highlighter {
        static SHARED: OnceLock<Highlighter> = OnceLock::new();
        SHARED.get_or_init(Highlighter::new)
    }

    /// Picks the language of a frame; same as `Language::detect`.
    pub fn language(&self, filename: Option<&str>, platform: Option<&str>) -> Language {
        Language::detect(filename, platform)
    }

    /// The names of the available syntect themes, e.g. to validate a console theme's `syntect` key.
    pub fn theme_names(&self) -> impl Iterator<Item = &str> {
        self.themes.themes.keys().map(String::as_str)
    }

    /// Whether syntect's default set has a grammar for `language` (test support and diagnostics).
    pub fn supports(&self, language: Language) -> bool {
        self.syntaxes.find_syntax_by_name(language.syntect_name()).is_some()
    }

    /// Highlights `lines` as one snippet. Never fails: if the grammar errors, the sanitised lines come back
    /// in the theme's plain colour.
    pub fn highlight<S: AsRef<str>>(&self, language: Language, syntect_theme: &str, lines: &[S]) -> Highlighted {
        self.try_highlight(language, syntect_theme, lines).unwrap_or_else(|_| {
            let plain = self.plain_style(self.theme(syntect_theme));
            lines.iter().map(|line| plain_spans(plain, sanitize_line(line.as_ref()))).collect()
        })
    }

    /// Like `highlight`, but reports a grammar error instead of hiding it.
    pub fn try_highlight<S: AsRef<str>>(
        &self,
        language: Language,
        syntect_theme: &str,
        lines: &[S],
    ) -> Result<Highlighted, HighlightError> {
        let theme = self.theme(syntect_theme);
        let plain = self.plain_style(theme);
        let mut parser = HighlightLines::new(self.syntax(language, lines), theme);
        let mut out = Vec::with_capacity(lines.len());
        for line in lines {
            let mut text = sanitize_line(line.as_ref());
            if text.len() > MAX_HIGHLIGHT_LEN {
                out.push(plain_spans(plain, text));
                continue;
            }
            // The "newlines" syntax set expects each line to end in '\n'; it is stripped from the output.
            text.push('\n');
            let tokens =
                parser.highlight_line(&text, &self.syntaxes).map_err(|source| HighlightError { language, source })?;
            let mut spans: Vec<(Style, String)> = Vec::new();
            for (style, piece) in tokens {
                let piece = piece.strip_suffix('\n').unwrap_or(piece);
                if piece.is_empty() {
                    continue;
                }
                let style = convert_style(style);
                match spans.last_mut() {
                    Some((last, joined)) if *last == style => joined.push_str(piece),
                    _ => spans.push((style, piece.to_owned())),
                }
            }
            out.push(spans);
        }
        Ok(out)
    }

    /// The named theme, else `DEFAULT_THEME`.
    fn theme(&self, name: &str) -> &Theme {
        let themes = &self.themes.themes;
        themes.get(name).or_else(|| themes.get(DEFAULT_THEME)).unwrap_or(&self.fallback_theme)
    }

    /// The style of text no grammar rule colours: the theme's foreground.
    fn plain_style(&self, theme: &Theme) -> Style {
        theme.settings.foreground.map_or_else(Style::default, |c| Style::default().fg(Color::Rgb(c.r, c.g, c.b)))
    }

    /// The grammar for `language`, given the snippet (PHP picks its embedding grammar on an opening tag).
    fn syntax<S: AsRef<str>>(&self, language: Language, lines: &[S]) -> &SyntaxReference {
        let name = if language == Language::Php && lines.iter().any(|l| has_php_open_tag(l.as_ref())) {
            "PHP"
        } else {
            language.syntect_name()
        };
        self.syntaxes.find_syntax_by_name(name).unwrap_or_else(|| self.syntaxes.find_syntax_plain_text())
    }
}

/// Whether a line opens PHP code the way a template would.
fn has_php_open_tag(line: &str) -> bool {
    line.contains("<?=") || line.to_ascii_lowercase().contains("<?php")
}

/// A line as a single span (empty lines have no span, like highlighted ones).
fn plain_spans(style: Style, text: String) -> Vec<(Style, String)> {
    if text.is_empty() { Vec::new() } else { vec![(style, text)] }
}

/// syntect's style to ratatui's: foreground and font style only, never the background.
fn convert_style(style: syntect::highlighting::Style) -> Style {
    let fg = style.foreground;
    let mut out = Style::default().fg(Color::Rgb(fg.r, fg.g, fg.b));
    for (font, modifier) in [
        (FontStyle::BOLD, Modifier::BOLD),
        (FontStyle::ITALIC, Modifier::ITALIC),
        (FontStyle::UNDERLINE, Modifier::UNDERLINED),
    ] {
        if style.font_style.contains(font) {
            out = out.add_modifier(modifier);
        }
    }
    out
}
