//! Finding a theme file and its `parent` ancestors.
//!
//! Owns lookup and the parent rules. A name is looked up as `<user_dir>/<name>.toml` first, then among the
//! built-ins. A user file named like a built-in patches it: without `parent` it implicitly extends that
//! built-in, and a `parent` equal to its own name also means the built-in. Built-ins only ever extend other
//! built-ins, so a user file cannot change what a built-in's parent means. A theme seen twice in one chain is a
//! cycle and an error. This is the only theme code that touches the file system.

use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use super::builtin;
use super::error::ThemeError;
use super::file::ThemeFile;

/// Where a theme file came from; a built-in and a user file may share a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Builtin,
    User,
}

/// A parsed file and where it came from.
struct Found {
    origin: Origin,
    label: String,
    file: ThemeFile,
}

/// Loads `name` and its ancestors, the theme itself first and the root ancestor last.
pub fn load_chain(name: &str, user_dir: Option<&Path>) -> Result<Vec<ThemeFile>, ThemeError> {
    if !is_valid_name(name) {
        return Err(ThemeError::InvalidName { name: name.to_string() });
    }
    let mut current = find(name, user_dir, false)?.ok_or_else(|| ThemeError::NotFound {
        name: name.to_string(),
        searched: searched(name, user_dir),
        builtin: builtin_list(),
    })?;
    let mut visited: Vec<(Origin, String)> = Vec::new();
    let mut chain = Vec::new();
    loop {
        visited.push((current.origin, current.file.name.clone()));
        let own_name = current.file.name.as_str();
        let parent = match (&current.file.parent, current.origin) {
            (Some(parent), _) => parent.clone(),
            (None, Origin::User) if builtin::source(own_name).is_some() => own_name.to_string(),
            (None, _) => {
                chain.push(current.file);
                return Ok(chain);
            }
        };
        let builtin_only = current.origin == Origin::Builtin || parent == own_name;
        let next = match find(&parent, user_dir, builtin_only)? {
            Some(next) => next,
            None if parent == own_name => {
                return Err(ThemeError::ParentCycle { file: current.label, cycle: format!("{parent} -> {parent}") });
            }
            None => {
                let user_dir = if builtin_only { None } else { user_dir };
                return Err(ThemeError::ParentMissing {
                    file: current.label,
                    searched: searched(&parent, user_dir),
                    parent,
                    builtin: builtin_list(),
                });
            }
        };
        if let Some(start) = visited.iter().position(|(o, n)| *o == next.origin && *n == next.file.name) {
            let mut names: Vec<&str> = visited[start..].iter().map(|(_, n)| n.as_str()).collect();
            names.push(&next.file.name);
            return Err(ThemeError::ParentCycle { file: current.label, cycle: names.join(" -> ") });
        }
        chain.push(current.file);
        current = next;
    }
}

/// Looks `name` up in the user directory (unless `builtin_only`), then among the built-ins.
fn find(name: &str, user_dir: Option<&Path>, builtin_only: bool) -> Result<Option<Found>, ThemeError> {
    if let Some(dir) = user_dir.filter(|_| !builtin_only && is_valid_name(name)) {
        let path = dir.join(format!("{name}.toml"));
        match fs::read_to_string(&path) {
            Ok(text) => {
                let label = path.display().to_string();
                let file = ThemeFile::parse(&label, name, &text)?;
                return Ok(Some(Found { origin: Origin::User, label, file }));
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(source) => return Err(ThemeError::Read { path, source }),
        }
    }
    let Some(text) = builtin::source(name) else { return Ok(None) };
    let label = builtin::label(name);
    let file = ThemeFile::parse(&label, name, text)?;
    Ok(Some(Found { origin: Origin::Builtin, label, file }))
}

/// Theme names are file stems: ASCII letters, digits, `-` and `_`, so they can never escape the directory.
fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn searched(name: &str, user_dir: Option<&Path>) -> String {
    match user_dir {
        Some(dir) if is_valid_name(name) => format!(" (no {})", dir.join(format!("{name}.toml")).display()),
        _ => String::new(),
    }
}

fn builtin_list() -> String {
    builtin::NAMES.join(", ")
}
