//! Keys are data: `assets/keymap.toml` (embedded) binds chords to [`Action`] names per context,
//! and a user `keymap.toml` in the config directory patches it (an action listed there gets
//! exactly the keys given; `[]` unbinds it). Lookup walks the contexts from the most specific to
//! `global`. Loading refuses unknown actions, unparseable chords and one chord bound to two
//! actions where both could fire, quoting the offending value.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// The default bindings.
pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// Everywhere, unless a more specific context or an overlay takes the key.
    Global,
    /// The issue list.
    List,
    /// The opened issue (falls back to the list's keys, so triage keys work there too).
    Detail,
    /// The releases screen (falls back to the list's keys for moving and refreshing).
    Releases,
    /// The Alerts screen (falls back to the list's keys for moving and opening).
    Alerts,
}

impl Context {
    pub const ALL: [Context; 5] = [Context::Global, Context::List, Context::Detail, Context::Releases, Context::Alerts];

    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::List => "list",
            Context::Detail => "detail",
            Context::Releases => "releases",
            Context::Alerts => "alerts",
        }
    }

    /// Where a key is looked up, most specific first.
    fn chain(self) -> &'static [Context] {
        match self {
            Context::Global => &[Context::Global],
            Context::List => &[Context::List, Context::Global],
            Context::Detail => &[Context::Detail, Context::List, Context::Global],
            Context::Releases => &[Context::Releases, Context::List, Context::Global],
            Context::Alerts => &[Context::Alerts, Context::List, Context::Global],
        }
    }
}

/// A key with its modifiers, as written in key files: `j`, `G`, `ctrl-c`, `alt-enter`, `space`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chord {
    pub code: KeyCode,
    /// Only ctrl and alt: shift is part of the character (`G`, `?`) or of the key (`backtab`).
    pub ctrl: bool,
    pub alt: bool,
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("space", KeyCode::Char(' ')),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
];

impl Chord {
    /// The chord of a key event (shift folded into the character).
    pub fn from_event(event: &KeyEvent) -> Self {
        let code = match event.code {
            KeyCode::Char(c) if event.modifiers.contains(KeyModifiers::SHIFT) => {
                KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
            }
            KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            other => other,
        };
        Self {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Parses `ctrl-r`, `G`, `f5`, `shift-tab`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rest = text;
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                (ctrl, rest) = (true, r);
            } else if let Some(r) = rest.strip_prefix("alt-") {
                (alt, rest) = (true, r);
            } else if let Some(r) = rest.strip_prefix("shift-") {
                (shift, rest) = (true, r);
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(if shift { c.to_ascii_uppercase() } else { c }),
            _ if shift && rest == "tab" => KeyCode::BackTab,
            _ => match NAMED.iter().find(|(name, _)| *name == rest) {
                Some((_, code)) => *code,
                None => match rest.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    Some(n @ 1..=12) => KeyCode::F(n),
                    _ => {
                        return Err(format!(
                            "unknown key {text:?}; use a character, ctrl-/alt- plus one, f1-f12, or one of {}",
                            names()
                        ));
                    }
                },
            },
        };
        Ok(Self { code, ctrl, alt })
    }
}

fn names() -> String {
    NAMED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            code => match NAMED.iter().find(|(_, c)| *c == code) {
                Some((name, _)) => f.write_str(name),
                None => write!(f, "{code:?}"),
            },
        }
    }
}

/// Parsed bindings: per context, chord to action.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    bindings: BTreeMap<Context, HashMap<Chord, Action>>,
    /// Per context and action, its chords in file order (for hints and help).
    chords: BTreeMap<(Context, Action), Vec<Chord>>,
}

type RawKeymap = BTreeMap<String, BTreeMap<String, Vec<String>>>;

impl Keymap {
    /// The defaults, patched by `user` (the text of a user keymap file) when given.
    pub fn load(user: Option<(&Path, &str)>) -> Result<Self, String> {
        let mut raw = parse_raw(DEFAULT_KEYMAP, "the default keymap")?;
        if let Some((path, text)) = user {
            let patch = parse_raw(text, &path.display().to_string())?;
            for (context, actions) in patch {
                raw.entry(context).or_default().extend(actions);
            }
        }
        Self::from_raw(raw)
    }

    /// The defaults alone.
    pub fn defaults() -> Self {
        Self::load(None).unwrap_or_default()
    }

    fn from_raw(raw: RawKeymap) -> Result<Self, String> {
        let mut keymap = Keymap::default();
        for (context_name, actions) in raw {
            let context = Context::ALL.into_iter().find(|c| c.name() == context_name).ok_or_else(|| {
                format!(
                    "unknown keymap section [{context_name}]; valid: [global], [list], [detail], [releases], [alerts]"
                )
            })?;
            for (action_name, keys) in actions {
                let action: Action = action_name.parse()?;
                for key in keys {
                    let chord = Chord::parse(&key).map_err(|e| format!("[{context_name}] {action_name}: {e}"))?;
                    if let Some(other) = keymap.bindings.entry(context).or_default().insert(chord, action)
                        && other != action
                    {
                        return Err(format!("[{context_name}] {chord} is bound to both {other} and {action}"));
                    }
                    keymap.chords.entry((context, action)).or_default().push(chord);
                }
            }
        }
        // Global keys work everywhere: a screen may not take one of them for something else.
        // (The detail screen may give a list key a meaning of its own, like `[` for events.)
        if let Some(global) = keymap.bindings.get(&Context::Global) {
            for context in [Context::List, Context::Detail, Context::Releases, Context::Alerts] {
                for (chord, action) in keymap.bindings.get(&context).into_iter().flatten() {
                    if let Some(other) = global.get(chord)
                        && other != action
                    {
                        return Err(format!(
                            "{chord} is bound to {other} in [global] and to {action} in [{}]",
                            context.name()
                        ));
                    }
                }
            }
        }
        Ok(keymap)
    }

    /// The action a key triggers in `context` (falling back to `global`).
    pub fn lookup(&self, context: Context, event: &KeyEvent) -> Option<Action> {
        self.action_at(context, Chord::from_event(event))
    }

    /// The action `chord` triggers in `context` (falling back to `global`).
    pub fn action_at(&self, context: Context, chord: Chord) -> Option<Action> {
        context.chain().iter().find_map(|c| self.bindings.get(c).and_then(|b| b.get(&chord)).copied())
    }

    /// The chords that trigger `action` in `context`, the most specific context's first, in
    /// file order: a chord a more specific context took for something else is left out (`[`
    /// steps events in the opened issue, not tabs).
    pub fn chords(&self, context: Context, action: Action) -> Vec<Chord> {
        let mut found: Vec<Chord> = Vec::new();
        for c in context.chain() {
            for chord in self.chords.get(&(*c, action)).into_iter().flatten() {
                if self.action_at(context, *chord) == Some(action) && !found.contains(chord) {
                    found.push(*chord);
                }
            }
        }
        found
    }

    /// The first chord of `action`, as text (for hints).
    pub fn hint(&self, context: Context, action: Action) -> Option<String> {
        self.chords(context, action).first().map(Chord::to_string)
    }

    /// Whether `context`'s own section binds `action` (not through a fallback).
    pub fn binds(&self, context: Context, action: Action) -> bool {
        self.chords.get(&(context, action)).is_some_and(|c| !c.is_empty())
    }
}

fn parse_raw(text: &str, what: &str) -> Result<RawKeymap, String> {
    toml::from_str(text).map_err(|err| format!("{what}: {}", crate::profiles::describe_toml_error(&err, text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn defaults_load_without_conflicts_and_cover_the_card() {
        let keymap = Keymap::load(None).unwrap();
        let expect = [
            ("j", Action::MoveDown),
            ("k", Action::MoveUp),
            ("g", Action::Top),
            ("G", Action::Bottom),
            ("enter", Action::Open),
            ("esc", Action::Back),
            ("q", Action::Quit),
            ("/", Action::Search),
            ("r", Action::Resolve),
            ("i", Action::ArchiveMenu),
            ("p", Action::PriorityMenu),
            ("a", Action::Assign),
            ("b", Action::Bookmark),
            ("x", Action::ToggleSelect),
            ("?", Action::Help),
            (":", Action::CommandPalette),
        ];
        for (chord, action) in expect {
            let chord = Chord::parse(chord).unwrap();
            let modifiers = if matches!(chord.code, KeyCode::Char(c) if c.is_ascii_uppercase()) {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            assert_eq!(keymap.lookup(Context::List, &key(chord.code, modifiers)), Some(action), "{chord}");
        }
        assert_eq!(keymap.lookup(Context::List, &key(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::Quit));
    }

    #[test]
    fn user_files_patch_and_unbind() {
        let user = "[list]\nresolve = [\"ctrl-e\"]\nbookmark = []\n";
        let keymap = Keymap::load(Some((Path::new("keymap.toml"), user))).unwrap();
        assert_eq!(
            keymap.lookup(Context::List, &key(KeyCode::Char('e'), KeyModifiers::CONTROL)),
            Some(Action::Resolve)
        );
        assert_eq!(keymap.lookup(Context::List, &key(KeyCode::Char('r'), KeyModifiers::NONE)), None);
        assert_eq!(keymap.lookup(Context::List, &key(KeyCode::Char('b'), KeyModifiers::NONE)), None);
    }

    #[test]
    fn bad_files_name_the_problem() {
        for (text, needle) in [
            ("[list]\nresolve = [\"ctrl-\"]\n", "unknown key \"ctrl-\""),
            ("[list]\nfly = [\"f\"]\n", "unknown action \"fly\""),
            ("[lists]\nresolve = [\"r\"]\n", "unknown keymap section [lists]"),
            ("[list]\nbookmark = [\"r\"]\n", "r is bound to both"),
            ("[global]\nresolve = [\"j\"]\n", "is bound to"),
        ] {
            let err = Keymap::load(Some((Path::new("keymap.toml"), text))).unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn chords_print_as_they_parse() {
        for text in ["j", "G", "ctrl-c", "alt-enter", "space", "f5", "backtab", "?", "pagedown"] {
            assert_eq!(Chord::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Chord::parse("shift-tab").unwrap(), Chord::parse("backtab").unwrap());
        let shifted = Chord::from_event(&key(KeyCode::Char('G'), KeyModifiers::SHIFT));
        assert_eq!(shifted, Chord::parse("G").unwrap());
    }
}
