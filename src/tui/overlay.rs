//! Overlays above the list: help, the command palette, menus (archive, priority, copy,
//! pickers), text prompts (search, counts, a user) and confirmations. Each is plain data with
//! small editing helpers; the reducer decides what a choice does.

use super::action::Action;
use crate::api::Priority;

/// What an overlay is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help(super::help::HelpView),
    Palette(Palette),
    Menu(Menu),
    /// A list narrowed by typing (the assign picker).
    Picker(super::picker::Picker),
    Prompt(Prompt),
    Confirm(Confirm),
}

/// A one-line text field with a cursor (in characters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    pub text: String,
    pub cursor: usize,
}

impl Input {
    pub fn with(text: &str) -> Self {
        Self { text: text.to_string(), cursor: text.chars().count() }
    }

    fn byte(&self, chars: usize) -> usize {
        self.text.char_indices().nth(chars).map_or(self.text.len(), |(i, _)| i)
    }

    pub fn insert(&mut self, c: char) {
        let at = self.byte(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            let at = self.byte(self.cursor - 1);
            self.text.remove(at);
            self.cursor -= 1;
        }
    }

    pub fn delete(&mut self) {
        if self.cursor < self.text.chars().count() {
            let at = self.byte(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.text.chars().count();
    }

    /// Deletes the word before the cursor (ctrl-w).
    pub fn delete_word(&mut self) {
        while self.cursor > 0 && self.text.chars().nth(self.cursor - 1) == Some(' ') {
            self.backspace();
        }
        while self.cursor > 0 && self.text.chars().nth(self.cursor - 1) != Some(' ') {
            self.backspace();
        }
    }

    pub fn set(&mut self, text: &str) {
        *self = Self::with(text);
    }
}

/// The `:` palette: every action by name, filtered by what was typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Palette {
    pub input: Input,
    pub selected: usize,
}

impl Palette {
    /// Actions whose name or description contains every typed word: those whose name starts
    /// with the first word first, each group in the order given.
    pub fn matches(&self, available: &[Action]) -> Vec<Action> {
        let words: Vec<String> = self.input.text.split_whitespace().map(str::to_lowercase).collect();
        let mut found: Vec<(usize, Action)> = available
            .iter()
            .filter_map(|&action| {
                let name = action.name().replace('_', " ");
                let haystack = format!("{name} {}", action.description().to_lowercase());
                words.iter().all(|w| haystack.contains(w.as_str())).then(|| {
                    let rank = usize::from(!words.first().is_some_and(|w| name.starts_with(w.as_str())));
                    (rank, action)
                })
            })
            .collect();
        found.sort_by_key(|(rank, _)| *rank);
        found.into_iter().map(|(_, a)| a).collect()
    }
}

/// How long, or until what, to archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreChoice {
    UntilEscalating,
    Forever,
    Minutes(u32),
    /// Ask for a count of events (optionally per window).
    Events,
    /// Ask for a count of users.
    Users,
}

/// What to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyChoice {
    ShortId,
    Permalink,
    Markdown,
    /// The embedded server's DSN.
    Dsn,
    /// The opened event's stack trace as plain text.
    Traceback,
    /// The opened event's id.
    EventId,
}

/// What choosing a menu item does.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    Ignore(IgnoreChoice),
    Priority(Priority),
    Copy(CopyChoice),
    /// `None`: all environments.
    Environment(Option<String>),
    /// `None`: all projects.
    Project(Option<(i64, String)>),
    /// A user id (`None`: unassign).
    AssignTo(Option<String>),
}

/// A short list of choices, each with a key.
#[derive(Debug, Clone, PartialEq)]
pub struct Menu {
    pub title: String,
    pub items: Vec<MenuItem>,
    pub selected: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MenuItem {
    /// Chooses the item directly.
    pub key: Option<char>,
    pub label: String,
    pub choice: Choice,
}

impl MenuItem {
    pub fn new(key: char, label: impl Into<String>, choice: Choice) -> Self {
        Self { key: Some(key), label: label.into(), choice }
    }
}

/// What a prompt's text is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Search,
    /// "100" or "100 per 60" (minutes).
    IgnoreEvents,
    IgnoreUsers,
    Comment,
    /// Text the breadcrumbs must contain.
    FindCrumbs,
    /// Text to find in the event's JSON.
    FindJson,
    /// Where to save the selected attachment (a directory or a file).
    SaveAttachment,
}

impl PromptKind {
    pub fn title(self) -> &'static str {
        match self {
            PromptKind::Search => "search · tab completes keys and values",
            PromptKind::IgnoreEvents => "archive until this many more events (e.g. 100, or 100 per 60 minutes)",
            PromptKind::IgnoreUsers => "archive until this many more users are affected",
            PromptKind::Comment => "comment (Enter saves)",
            PromptKind::FindCrumbs => "show breadcrumbs containing (empty shows all)",
            PromptKind::FindJson => "find in the JSON (n next, N previous)",
            PromptKind::SaveAttachment => "save the attachment in (a directory, or a file name; Enter saves)",
        }
    }
}

/// A text prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: Input,
    /// Position while browsing the search history (0 = newest).
    pub history: Option<usize>,
    /// Why the last submission was refused.
    pub error: Option<String>,
    /// Tab's completion in the search prompt, while it shows.
    pub completion: Option<super::complete::Completion>,
}

impl Prompt {
    pub fn new(kind: PromptKind, text: &str) -> Self {
        Self { kind, input: Input::with(text), history: None, error: None, completion: None }
    }
}

/// A question before a big change, or before quitting with work in flight.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub message: String,
    /// What yes does.
    pub then: ConfirmThen,
}

/// What a confirmation leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfirmThen {
    Change(Box<PendingChange>),
    Quit,
}

/// A change waiting for confirmation.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingChange {
    /// What it is (`resolve`, `priority low`).
    pub label: String,
    /// What it did, said once the server agrees (`resolved SHOP-API-5`).
    pub done: String,
    pub ids: Vec<String>,
    pub update: crate::api::IssueUpdate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_edits_by_character() {
        let mut input = Input::with("héllo");
        input.left();
        input.backspace();
        input.insert('L');
        assert_eq!(input.text, "hélLo");
        input.home();
        input.delete();
        assert_eq!(input.text, "élLo");
        input.end();
        input.insert(' ');
        input.insert('x');
        input.delete_word();
        assert_eq!(input.text, "élLo ");
    }

    #[test]
    fn palette_filters_by_words() {
        let palette = Palette { input: Input::with("res next"), selected: 0 };
        assert_eq!(palette.matches(Action::ALL), vec![Action::ResolveNextRelease]);
        let all = Palette::default().matches(Action::ALL);
        assert_eq!(all.len(), Action::ALL.len());
    }
}
