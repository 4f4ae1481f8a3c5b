//! Event text never reaches the terminal as commands: control characters and escape
//! sequences become visible placeholders (`␛`, `␇`, `\u{..}` pictures), and text meant for one
//! line has its line breaks shown as `⏎`. Every string that came from an event or a server goes
//! through here before it is drawn.

pub use crate::text::{clean, one_line};

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
