//! Themes as data: semantic roles resolved to ratatui styles, fitted to the terminal's colour depth.
//!
//! Owns everything about colour. Views ask `theme.style(Role::LevelError)` and never name a `Color`; this
//! module never draws, never reads the environment by itself (the caller injects it into
//! `ColorDepth::detect`) and reads files only while loading. Built-in themes are TOML files in the crate's
//! `themes/` folder, embedded at compile time; user themes in the config directory patch them through
//! `parent`. Loading fails with a `ThemeError` that quotes the file and the bad value; once loaded, a `Theme`
//! cannot fail.

mod builtin;
mod chain;
mod color;
mod depth;
mod error;
mod file;
mod palette;
mod resolved;
mod role;
mod suggest;

pub use color::COLOR_NAMES;
pub use depth::ColorDepth;
pub use error::ThemeError;
pub use resolved::{DEFAULT_SYNTECT, Theme};
pub use role::{Role, UnknownRole};
