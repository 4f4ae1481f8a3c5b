//! The built-in theme files, embedded in the binary at compile time.
//!
//! The files live in the crate's top-level `themes/` folder; `embed!` is the single place that knows that
//! path. The first entry is the default theme. This module only hands out text; parsing happens in `file`.

/// Embeds `themes/<file>` from the crate root. Change this one macro if the folder moves.
macro_rules! embed {
    ($file:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/", $file))
    };
}

/// `(name, toml text)` of every built-in theme; the first is the default.
const BUILTIN: [(&str, &str); 4] = [
    ("dark", embed!("dark.toml")),
    ("light", embed!("light.toml")),
    ("high-contrast", embed!("high-contrast.toml")),
    ("ansi16", embed!("ansi16.toml")),
];

/// Names of the built-in themes, default first.
pub const NAMES: [&str; 4] = [BUILTIN[0].0, BUILTIN[1].0, BUILTIN[2].0, BUILTIN[3].0];

/// The TOML text of a built-in theme.
pub fn source(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

/// How errors refer to a built-in theme file.
pub fn label(name: &str) -> String {
    format!("themes/{name}.toml (built-in)")
}
