//! Cross-cutting tests of the highlight module: every language really gets colours, text round-trips,
//! hostile input is neutralised, and the load cost is measured.

use std::collections::BTreeSet;
use std::time::Instant;

use ratatui::style::{Color, Style};

use super::*;

/// For each language: a typical line, a keyword in it and a string literal in it (the first occurrences).
const SAMPLES: &[(Language, &str, &str, &str)] = &[
    (Language::Python, "def greet(name): return \"hi \" + name  # say hi", "def", "hi "),
    (Language::JavaScript, "const greeting = \"hi\"; // say hi", "const", "hi"),
    // TypeScript, highlighted with the JavaScript grammar.
    (Language::JavaScript, "export function greet(name: string) { return `hi ${name}`; }", "function", "hi "),
    (Language::Rust, "fn main() { let s = \"hi\"; println!(\"{s}\"); }", "fn", "hi"),
    (Language::Go, "func main() { s := \"hi\"; fmt.Println(s) }", "func", "hi"),
    (Language::Java, "public class Foo { private String s = \"hi\"; }", "class", "hi"),
    // Kotlin, highlighted with the Java grammar.
    (Language::Java, "class Foo { fun greet(): String { return \"hi\" } }", "return", "hi"),
    (Language::Ruby, "def greet(name) = puts(\"hi #{name}\")", "def", "hi "),
    (Language::Php, "function greet($name) { return \"hi\" . $name; }", "function", "hi"),
    (Language::CSharp, "public class Foo { private string s = \"hi\"; }", "class", "hi"),
    (Language::C, "int main(void) { return printf(\"hi\"); }", "return", "hi"),
    (Language::Cpp, "namespace app { const std::string s = \"hi\"; }", "namespace", "hi"),
    (Language::ObjectiveC, "if (ok) { NSString *s = @\"hi\"; return [s length]; }", "return", "hi"),
];

/// The foreground colour of the character at byte `offset` of the (sanitised) line.
fn fg_at(spans: &[(Style, String)], offset: usize) -> Option<Color> {
    let mut start = 0;
    for (style, text) in spans {
        if offset < start + text.len() {
            return style.fg;
        }
        start += text.len();
    }
    None
}

fn text_of(spans: &[(Style, String)]) -> String {
    spans.iter().map(|(_, t)| t.as_str()).collect()
}

fn distinct_fgs(highlighted: &Highlighted) -> BTreeSet<String> {
    highlighted.iter().flatten().filter_map(|(s, _)| s.fg).map(|c| format!("{c:?}")).collect()
}

#[test]
fn every_language_has_a_grammar() {
    let hl = Highlighter::shared();
    for lang in Language::ALL {
        assert!(hl.supports(lang), "no syntect grammar named {:?} for {lang}", lang.syntect_name());
    }
}

#[test]
fn keywords_and_strings_get_different_colours_in_every_language() {
    let hl = Highlighter::shared();
    for theme in [DEFAULT_THEME, "InspiredGitHub", "Solarized (dark)"] {
        for &(lang, line, keyword, string) in SAMPLES {
            let out = hl.try_highlight(lang, theme, &[line]).expect("highlights");
            assert_eq!(out.len(), 1);
            assert_eq!(text_of(&out[0]), line);
            let kw = fg_at(&out[0], line.find(keyword).expect("keyword in sample"));
            let st = fg_at(&out[0], line.find(string).expect("string in sample"));
            assert!(kw.is_some() && st.is_some(), "{lang} in {theme}: missing colour");
            assert_ne!(kw, st, "{lang} in {theme}: keyword {keyword:?} and {string:?} share a colour: {out:?}");
            assert!(distinct_fgs(&out).len() >= 2, "{lang} in {theme}: {out:?}");
        }
    }
}

#[test]
fn one_span_list_per_line_and_text_round_trips() {
    let hl = Highlighter::shared();
    let lines = ["def f(x):", "\t\"\"\"Doc", "", "\tstill doc\"\"\"", "\treturn x  # done"];
    let out = hl.highlight(Language::Python, DEFAULT_THEME, &lines);
    assert_eq!(out.len(), lines.len());
    for (spans, line) in out.iter().zip(lines) {
        assert_eq!(text_of(spans), line.replace('\t', "    "));
        assert!(spans.iter().all(|(s, t)| !t.is_empty() && s.bg.is_none()));
    }
    assert!(out[2].is_empty());
    // Multi-line state is kept: the docstring's middle line is coloured like its first line's string part.
    let doc = fg_at(&out[1], 4);
    assert_eq!(fg_at(&out[3], 4), doc);
    assert_ne!(fg_at(&out[4], 4), doc, "`return` must not be docstring-coloured");
    // `String` lines work as well as `&str` lines, and `to_lines` keeps the text.
    let owned: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    assert_eq!(hl.highlight(Language::Python, DEFAULT_THEME, &owned), out);
    let rendered: Vec<String> = borrowed_lines(&out).iter().map(|l| l.to_string()).collect();
    assert_eq!(to_lines(out).iter().map(|l| l.to_string()).collect::<Vec<_>>(), rendered);
    assert_eq!(rendered[4], "    return x  # done");
}

#[test]
fn php_with_and_without_open_tag() {
    let hl = Highlighter::shared();
    let bare = hl.highlight(Language::Php, DEFAULT_THEME, &["$x = strlen(\"hi\");"]);
    let tagged = hl.highlight(Language::Php, DEFAULT_THEME, &["<?php", "$x = strlen(\"hi\");"]);
    assert_eq!(bare[0], tagged[1], "the code line highlights the same either way");
    assert!(distinct_fgs(&bare).len() >= 3, "{bare:?}");
}

#[test]
fn unknown_theme_falls_back_to_default() {
    let hl = Highlighter::shared();
    let lines = ["fn main() {}"];
    assert_eq!(
        hl.highlight(Language::Rust, "no such theme", &lines),
        hl.highlight(Language::Rust, DEFAULT_THEME, &lines)
    );
    assert_ne!(
        hl.highlight(Language::Rust, "InspiredGitHub", &lines),
        hl.highlight(Language::Rust, DEFAULT_THEME, &lines)
    );
    assert!(hl.theme_names().any(|n| n == DEFAULT_THEME));
}

#[test]
fn hostile_input_has_no_control_characters() {
    let hl = Highlighter::shared();
    let hostile = concat!(
        "x = \"\u{1b}[2J\u{1b}[31mred\u{7}\" # ",
        "\u{1b}]52;c;ZXZpbCBjbGlwYm9hcmQ=\u{7}",
        "\u{9b}6n \u{9d}0;title\u{9c} \u{90}dcs\u{9c} \u{85}\u{7f}\u{0}\u{8}\r\u{1b}\\",
    );
    let lines = [hostile, "\u{1b}", "\t\u{1b}[0m", "ok\r"];
    for lang in Language::ALL {
        for highlighted in [hl.highlight(lang, DEFAULT_THEME, &lines), hl.highlight(lang, "InspiredGitHub", &lines)] {
            assert_eq!(highlighted.len(), lines.len());
            for (spans, line) in highlighted.iter().zip(lines) {
                let text = text_of(spans);
                assert!(!text.chars().any(char::is_control), "{lang}: control char in {text:?}");
                assert_eq!(text, sanitize_line(line), "{lang}");
            }
            assert!(text_of(&highlighted[0]).contains("\u{241b}]52;c;"));
            assert_eq!(text_of(&highlighted[3]), "ok");
        }
    }
}

#[test]
fn overlong_lines_are_plain_but_kept() {
    let hl = Highlighter::shared();
    let huge = format!("var a=\"{}\";", "x".repeat(MAX_HIGHLIGHT_LEN));
    let lines = ["const a = 1;", huge.as_str(), "const b = \"s\";"];
    let out = hl.highlight(Language::JavaScript, DEFAULT_THEME, &lines);
    assert_eq!(out[1].len(), 1);
    assert_eq!(out[1][0].1, huge);
    assert!(distinct_fgs(&vec![out[2].clone()]).len() >= 2, "lines after it still highlight: {:?}", out[2]);
}

#[test]
fn load_cost() {
    let start = Instant::now();
    let hl = Highlighter::new();
    eprintln!("Highlighter::new(): {:?}", start.elapsed());
    for &(lang, line, _, _) in SAMPLES {
        let start = Instant::now();
        hl.highlight(lang, DEFAULT_THEME, &[line]);
        let first = start.elapsed();
        let start = Instant::now();
        hl.highlight(lang, DEFAULT_THEME, &[line; 11]);
        eprintln!("{lang}: first line {first:?}, then 11 lines {:?}", start.elapsed());
    }
}
