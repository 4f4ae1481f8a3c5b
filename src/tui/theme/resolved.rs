//! `Theme`: a fully resolved theme, one ready-made `Style` per role.
//!
//! Resolution happens once, at load time. For each role: the theme's own entry, else the nearest ancestor's
//! entry (see `chain`), else the same lookup for the role's fallback role, up to `Text`; a role nothing defines
//! gets the empty style (terminal defaults). The result is fitted to the colour depth, and then highlight roles
//! (`Role::is_highlight`: selection, marked, cursor line...) get `REVERSED` when the depth is `None` or when
//! they would otherwise look exactly like `Text`, so the cursor is always visible. Built-in themes also give
//! `selection`, `marked` and `key_hint` a modifier of their own (tested). After loading, `style` is an array
//! index: views may call it per cell.

use std::path::Path;

use ratatui::style::{Modifier, Style};

use super::builtin;
use super::chain::load_chain;
use super::depth::ColorDepth;
use super::error::ThemeError;
use super::file::ThemeFile;
use super::role::Role;

/// The syntect theme used when no file in the chain names one.
pub const DEFAULT_SYNTECT: &str = "base16-ocean.dark";

/// A resolved theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    name: String,
    syntect: String,
    depth: ColorDepth,
    styles: [Style; Role::COUNT],
}

impl Theme {
    /// The name of the default built-in theme.
    pub const DEFAULT: &str = builtin::NAMES[0];

    /// Loads a built-in theme at full colour, ignoring user files.
    pub fn builtin(name: &str) -> Result<Theme, ThemeError> {
        Theme::load(name, None, ColorDepth::TrueColor)
    }

    /// Loads `name` from `user_dir` (if given) or the built-ins, resolves it and fits it to `depth`.
    pub fn load(name: &str, user_dir: Option<&Path>, depth: ColorDepth) -> Result<Theme, ThemeError> {
        Ok(Theme::resolve(&load_chain(name, user_dir)?, depth))
    }

    /// Names of the built-in themes, the default first.
    pub fn names_builtin() -> &'static [&'static str] {
        &builtin::NAMES
    }

    /// The style for `role`.
    pub fn style(&self, role: Role) -> Style {
        self.styles[role as usize]
    }

    /// The theme's name (its file stem).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The syntect theme to highlight source with.
    pub fn syntect_name(&self) -> &str {
        &self.syntect
    }

    /// The colour depth the styles were fitted to.
    pub fn depth(&self) -> ColorDepth {
        self.depth
    }

    /// Resolves a chain (theme first, root ancestor last) at `depth`.
    fn resolve(chain: &[ThemeFile], depth: ColorDepth) -> Theme {
        let entry = |role: Role| chain.iter().find_map(|file| file.roles[role as usize]);
        let mut styles = [Style::new(); Role::COUNT];
        for role in Role::ALL {
            let mut lookup = Some(role);
            let mut style = Style::new();
            while let Some(candidate) = lookup {
                if let Some(found) = entry(candidate) {
                    style = found;
                    break;
                }
                lookup = candidate.fallback();
            }
            styles[role as usize] = depth.adapt_style(style);
        }
        let text = styles[Role::Text as usize];
        for role in Role::ALL.into_iter().filter(|r| r.is_highlight()) {
            let style = &mut styles[role as usize];
            if depth == ColorDepth::None || *style == text {
                *style = style.add_modifier(Modifier::REVERSED);
            }
        }
        Theme {
            name: chain.first().map(|f| f.name.clone()).unwrap_or_default(),
            syntect: chain.iter().find_map(|f| f.syntect.clone()).unwrap_or_else(|| DEFAULT_SYNTECT.to_string()),
            depth,
            styles,
        }
    }
}
