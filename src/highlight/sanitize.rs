//! Makes one line of untrusted source text safe to put on a terminal.
//!
//! Context lines come from event payloads, so they may carry escape sequences (ESC/CSI/OSC 52 clipboard
//! writes, BEL, C1 controls) meant for whoever displays them. `sanitize_line` runs before highlighting and
//! guarantees that its output contains no `char::is_control` character: a tab becomes four spaces, a C0
//! control becomes its Unicode control picture (U+2400 + code, so ESC shows as `␛`), DEL becomes `␡` and a
//! C1 control becomes `�`. One trailing carriage return (a CRLF file split on `\n`) is dropped rather than
//! shown as `␍`. Bidi overrides and isolates and zero-width characters (U+200B–U+200F, U+202A–U+202E,
//! U+2066–U+2069), which could reorder what the reader sees, become `�` too. Nothing else is changed.

/// How many spaces stand for one tab.
pub const TAB_WIDTH: usize = 4;

/// Returns `line` with tabs expanded and every control character replaced by a visible picture.
pub fn sanitize_line(line: &str) -> String {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\t' => out.extend(std::iter::repeat_n(' ', TAB_WIDTH)),
            c if c.is_control() => out.push(control_picture(c)),
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push(char::REPLACEMENT_CHARACTER)
            }
            c => out.push(c),
        }
    }
    out
}

/// The visible stand-in for a control character.
fn control_picture(c: char) -> char {
    match u32::from(c) {
        code @ 0..=0x1f => char::from_u32(0x2400 + code).unwrap_or(char::REPLACEMENT_CHARACTER),
        0x7f => '\u{2421}',
        _ => char::REPLACEMENT_CHARACTER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_every_control_character() {
        for code in 0u32..=0x10ffff {
            let Some(c) = char::from_u32(code) else { continue };
            if !c.is_control() {
                continue;
            }
            let out = sanitize_line(&format!("a{c}b"));
            assert!(!out.chars().any(char::is_control), "U+{code:04X} passed through as {out:?}");
            assert_eq!(out.chars().count(), if c == '\t' { 2 + TAB_WIDTH } else { 3 }, "U+{code:04X}");
        }
    }

    #[test]
    fn pictures_are_the_expected_ones() {
        assert_eq!(sanitize_line("\u{1b}[31m\u{7}\u{0}"), "\u{241b}[31m\u{2407}\u{2400}");
        assert_eq!(sanitize_line("\u{7f}\u{9b}\u{85}"), "\u{2421}\u{fffd}\u{fffd}");
        assert_eq!(sanitize_line("\tx\t"), "    x    ");
        assert_eq!(sanitize_line("a\u{202e}b\u{2066}c\u{200b}"), "a\u{fffd}b\u{fffd}c\u{fffd}");
        assert_eq!(sanitize_line("line\r"), "line");
        assert_eq!(sanitize_line("a\rb\r\r"), "a\u{240d}b\u{240d}");
        assert_eq!(sanitize_line("héllo → 世界"), "héllo → 世界");
    }
}
