//! Themes: every built-in resolves every role at every colour depth, user themes patch
//! built-ins, and each invalid theme file in `tests/bad_themes/` gets its exact error.

mod bad_files;
mod builtins;
mod depth;
mod patching;
mod roles;

use std::path::PathBuf;

/// A fixture folder under `tests/`.
fn fixtures(folder: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join(folder)
}
