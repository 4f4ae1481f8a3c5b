//! One theme file, parsed and validated but not yet resolved.
//!
//! Owns the TOML schema: top-level `name` (required, equal to the file stem), `parent` and `syntect`
//! (optional strings) and a `[roles]` table whose keys are role names and whose values are tables with optional
//! `fg`, `bg` (colours, see `color`) and the booleans `bold`, `italic`, `underlined`, `reversed`, `dim`. Any
//! other key, role or colour is an error that quotes it. A role entry is taken whole: it replaces the parent's
//! entry for that role rather than merging field by field. This module does no I/O and knows nothing about
//! parents or colour depth.

use ratatui::style::{Color, Modifier, Style};
use toml::{Table, Value};

use super::color::parse_color;
use super::error::ThemeError;
use super::role::Role;
use super::suggest::closest;

const TOP_KEYS: [&str; 4] = ["name", "parent", "syntect", "roles"];
const COLOR_KEYS: [&str; 2] = ["fg", "bg"];
const MODIFIER_KEYS: [(&str, Modifier); 5] = [
    ("bold", Modifier::BOLD),
    ("italic", Modifier::ITALIC),
    ("underlined", Modifier::UNDERLINED),
    ("reversed", Modifier::REVERSED),
    ("dim", Modifier::DIM),
];

/// A parsed theme file: its own entries only, with `None` for roles it leaves to its parent or fallbacks.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// The theme's name, equal to the file stem.
    pub name: String,
    /// The theme this one patches, if any.
    pub parent: Option<String>,
    /// The syntect theme to pair with, if set here.
    pub syntect: Option<String>,
    /// This file's entry per role, indexed by `Role as usize`.
    pub roles: [Option<Style>; Role::COUNT],
}

impl ThemeFile {
    /// Parses `text`. `file` labels the source in errors; `stem` is the name the file must declare.
    pub fn parse(file: &str, stem: &str, text: &str) -> Result<ThemeFile, ThemeError> {
        let table: Table = text.parse().map_err(|e: toml::de::Error| syntax_error(file, text, &e))?;
        let ctx = Ctx { file };
        if let Some(key) = table.keys().find(|k| !TOP_KEYS.contains(&k.as_str())) {
            return Err(ctx.unknown_key("the top level", key, &TOP_KEYS));
        }
        let name = match table.get("name") {
            None => return Err(ThemeError::MissingName { file: file.to_string(), stem: stem.to_string() }),
            Some(value) => ctx.string("name", value)?,
        };
        if name != stem {
            return Err(ThemeError::NameMismatch { file: file.to_string(), declared: name, stem: stem.to_string() });
        }
        let parent = table.get("parent").map(|v| ctx.string("parent", v)).transpose()?;
        let syntect = table.get("syntect").map(|v| ctx.string("syntect", v)).transpose()?;
        let mut roles = [None; Role::COUNT];
        if let Some(value) = table.get("roles") {
            let Value::Table(entries) = value else {
                return Err(ctx.wrong_type("roles", "a table", value));
            };
            for (key, entry) in entries {
                let role: Role = key.parse().map_err(|_| ctx.unknown_role(key))?;
                roles[role as usize] = Some(ctx.role_style(role, entry)?);
            }
        }
        Ok(ThemeFile { name, parent, syntect, roles })
    }
}

/// Error-building context for one file.
struct Ctx<'a> {
    file: &'a str,
}

impl Ctx<'_> {
    fn role_style(&self, role: Role, value: &Value) -> Result<Style, ThemeError> {
        let key = format!("roles.{role}");
        let Value::Table(entry) = value else {
            return Err(self.wrong_type(&key, "a table like { fg = \"#rrggbb\", bold = true }", value));
        };
        let mut style = Style::new();
        for (field, value) in entry {
            let field_key = || format!("{key}.{field}");
            if let Some(&which) = COLOR_KEYS.iter().find(|k| *k == field) {
                let color = self.color(role, which, value, &field_key())?;
                style = if which == "fg" { style.fg(color) } else { style.bg(color) };
            } else if let Some((_, modifier)) = MODIFIER_KEYS.iter().find(|(k, _)| k == field) {
                let Value::Boolean(on) = value else {
                    return Err(self.wrong_type(&field_key(), "true or false", value));
                };
                if *on {
                    style = style.add_modifier(*modifier);
                }
            } else {
                let valid: Vec<&str> =
                    COLOR_KEYS.iter().copied().chain(MODIFIER_KEYS.iter().map(|(k, _)| *k)).collect();
                return Err(self.unknown_key(&format!("[roles] entry `{role}`"), field, &valid));
            }
        }
        Ok(style)
    }

    fn color(&self, role: Role, field: &'static str, value: &Value, key: &str) -> Result<Color, ThemeError> {
        let Value::String(text) = value else {
            return Err(self.wrong_type(key, "a colour string", value));
        };
        parse_color(text).map_err(|problem| ThemeError::BadColor {
            file: self.file.to_string(),
            role,
            field,
            value: text.clone(),
            reason: problem.reason(),
        })
    }

    fn string(&self, key: &str, value: &Value) -> Result<String, ThemeError> {
        match value {
            Value::String(s) => Ok(s.clone()),
            other => Err(self.wrong_type(key, "a string", other)),
        }
    }

    fn wrong_type(&self, key: &str, expected: &'static str, found: &Value) -> ThemeError {
        ThemeError::WrongType { file: self.file.to_string(), key: key.to_string(), expected, found: found.type_str() }
    }

    fn unknown_key(&self, table: &str, key: &str, valid: &[&str]) -> ThemeError {
        ThemeError::UnknownKey {
            file: self.file.to_string(),
            table: table.to_string(),
            key: key.to_string(),
            valid: valid.join(", "),
        }
    }

    fn unknown_role(&self, role: &str) -> ThemeError {
        let hint = closest(role, Role::ALL.iter().map(|r| r.as_str()))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        ThemeError::UnknownRole { file: self.file.to_string(), role: role.to_string(), hint }
    }
}

fn syntax_error(file: &str, text: &str, error: &toml::de::Error) -> ThemeError {
    let offset = error.span().map_or(0, |span| span.start);
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    ThemeError::Syntax { file: file.to_string(), line, column, message: error.message().trim().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_roles_and_modifiers() {
        let text = "name = \"t\"\nparent = \"dark\"\n[roles]\nlevel_error = { fg = \"#ff5f5f\", bold = true, \
                    italic = false }\nselection = { fg = \"black\", bg = \"indexed:33\", reversed = true }\n";
        let file = ThemeFile::parse("t.toml", "t", text).unwrap();
        assert_eq!(file.parent.as_deref(), Some("dark"));
        assert_eq!(file.syntect, None);
        assert_eq!(file.roles[Role::LevelError as usize], Some(Style::new().fg(Color::Rgb(255, 95, 95)).bold()));
        assert_eq!(
            file.roles[Role::Selection as usize],
            Some(Style::new().fg(Color::Black).bg(Color::Indexed(33)).add_modifier(Modifier::REVERSED))
        );
        assert_eq!(file.roles[Role::Text as usize], None);
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = ThemeFile::parse("t.toml", "t", "name = \"t\"\n[roles\n").unwrap_err();
        let ThemeError::Syntax { line, .. } = err else { panic!("expected a syntax error, got {err}") };
        assert_eq!(line, 2);
    }

    #[test]
    fn wrong_types_are_named() {
        let err = ThemeFile::parse("t.toml", "t", "name = \"t\"\n[roles]\ntext = { bold = \"yes\" }\n").unwrap_err();
        assert_eq!(err.to_string(), "t.toml: `roles.text.bold` must be true or false, found string");
        let err = ThemeFile::parse("t.toml", "t", "name = 3\n").unwrap_err();
        assert_eq!(err.to_string(), "t.toml: `name` must be a string, found integer");
    }

    #[test]
    fn name_must_match_the_file() {
        let err = ThemeFile::parse("t.toml", "t", "").unwrap_err();
        assert_eq!(err.to_string(), "t.toml: missing `name`; add `name = \"t\"` at the top of the file");
        let err = ThemeFile::parse("t.toml", "t", "name = \"u\"").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.toml: `name = \"u\"` does not match the file name; set `name = \"t\"` or rename the file"
        );
    }
}
