//! Errors from reading, parsing and resolving theme files.
//!
//! Every message names the file it is about (a path, or `themes/<name>.toml (built-in)`), quotes the bad
//! value, and says how to fix it or lists the valid choices. Messages are part of the contract: the tests in
//! `tests/it/bad_files.rs` assert them verbatim, so change them together.

use std::io;
use std::path::PathBuf;

use super::color::color_names_joined;
use super::role::Role;

/// A theme could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// The requested theme name is not a valid file stem.
    #[error("invalid theme name {name:?}: use only letters, digits, `-` and `_`")]
    InvalidName { name: String },

    /// Neither the user directory nor the built-ins have a theme of this name.
    #[error("theme `{name}` not found{searched}; built-in themes: {builtin}")]
    NotFound { name: String, searched: String, builtin: String },

    /// The file exists but could not be read.
    #[error("{}: cannot read theme file: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },

    /// The file is not valid TOML.
    #[error("{file}: invalid TOML at line {line}, column {column}: {message}")]
    Syntax { file: String, line: usize, column: usize, message: String },

    /// A key that the theme format does not know, at the top level or inside a role entry.
    #[error("{file}: unknown key `{key}` in {table}; valid keys: {valid}")]
    UnknownKey { file: String, table: String, key: String, valid: String },

    /// A key holds the wrong kind of TOML value.
    #[error("{file}: `{key}` must be {expected}, found {found}")]
    WrongType { file: String, key: String, expected: &'static str, found: &'static str },

    /// The file has no `name`.
    #[error("{file}: missing `name`; add `name = \"{stem}\"` at the top of the file")]
    MissingName { file: String, stem: String },

    /// `name` disagrees with the file name, which is what `parent` and the config refer to.
    #[error("{file}: `name = \"{declared}\"` does not match the file name; set `name = \"{stem}\"` or rename the file")]
    NameMismatch { file: String, declared: String, stem: String },

    /// A `[roles]` key that is not a role.
    #[error("{file}: unknown role `{role}` in [roles]{hint}; valid roles: {}", Role::names_joined())]
    UnknownRole { file: String, role: String, hint: String },

    /// A colour value that does not parse.
    #[error(
        "{file}: bad colour {value:?} in `{role}.{field}` ({reason}); use `#rrggbb`, `indexed:N` (0-255), `reset` \
         or one of: {}",
        color_names_joined()
    )]
    BadColor { file: String, role: Role, field: &'static str, value: String, reason: &'static str },

    /// The `parent` chain loops back on itself.
    #[error("{file}: theme parent cycle {cycle}; remove `parent` from one of these themes")]
    ParentCycle { file: String, cycle: String },

    /// `parent` names a theme that does not exist.
    #[error("{file}: parent theme `{parent}` not found{searched}; built-in themes: {builtin}")]
    ParentMissing { file: String, parent: String, searched: String, builtin: String },
}
