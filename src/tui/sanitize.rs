//! Event text never reaches the terminal as commands: control characters and escape
//! sequences become visible placeholders (`␛`, `␇`, `\u{..}` pictures), and text meant for one
//! line has its line breaks shown as `⏎`. Every string that came from an event or a server goes
//! through here before it is drawn.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_cannot_reach_the_terminal() {
        let hostile = "boom\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\r\nnext\u{9b}31m\u{202e}txt";
        let shown = one_line(hostile);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert!(shown.starts_with("boom␛]52;c;ZXZpbA==␇␛[2J⏎next"), "{shown}");
        assert_eq!(clean("plain ünïcödé 🚀"), "plain ünïcödé 🚀");
        assert_eq!(clean("a\tb"), "a b");
    }
}
