//! Text for terminals, shared by the console, the commands and the digest: event text made safe
//! to print (control characters and escape sequences become visible pictures, bidi and
//! zero-width characters become `�`), and shaped by display width (wide characters count double,
//! nothing is cut mid-character), with counts and relative times.

use chrono::{DateTime, Utc};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `text` with control characters replaced by visible pictures (tabs become a space).
pub fn clean(text: &str) -> String {
    if !text.chars().any(needs_replacing) {
        return text.to_string();
    }
    text.chars().map(|c| if needs_replacing(c) { picture(c) } else { c }).collect()
}

/// Like [`clean`], and line breaks shown as `⏎` so the text stays on one line.
pub fn one_line(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    clean(&text.replace('\n', "⏎"))
}

fn needs_replacing(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn picture(c: char) -> char {
    match c {
        '\t' => ' ',
        // U+2400 CONTROL PICTURES cover C0 controls and DEL.
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('�'),
        '\u{7f}' => '␡',
        _ => '�',
    }
}

/// `now`, `45s`, `12m`, `3h`, `5d`, `2w`, `4mo`, `1y`.
pub fn ago(then: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let Some(then) = then else {
        return "-".into();
    };
    let secs = (now - then).num_seconds().max(0);
    match secs {
        0..=9 => "now".into(),
        10..=59 => format!("{secs}s"),
        60..=3_599 => format!("{}m", secs / 60),
        3_600..=86_399 => format!("{}h", secs / 3_600),
        86_400..=1_209_599 => format!("{}d", secs / 86_400),
        1_209_600..=5_183_999 => format!("{}w", secs / 604_800),
        5_184_000..=31_535_999 => format!("{}mo", secs / 2_592_000),
        _ => format!("{}y", secs / 31_536_000),
    }
}

/// `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 event`, `1,204 events`: a count with its noun in the right number (nouns take an `s`).
pub fn counted(n: u64, one: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{} {one}s", thousands(n)) }
}

/// `text` cut to at most `width` columns, with `…` when cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` cut or padded with spaces to exactly `width` columns.
pub fn fit(text: &str, width: usize) -> String {
    let cut = truncate(text, width);
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(pad))
}
