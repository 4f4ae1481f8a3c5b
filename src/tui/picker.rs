//! A picker: a list of choices narrowed by what is typed (every word must appear in an item's
//! label or detail), moved through with the arrow keys, chosen with Enter. The assign picker
//! (`a`) is one: the organization's members, "me" first, and "unassigned".

use super::overlay::{Choice, Input};

/// One choice of a picker.
#[derive(Debug, Clone, PartialEq)]
pub struct PickItem {
    pub label: String,
    /// Searched too, shown muted (a username and e-mail).
    pub detail: String,
    pub choice: Choice,
}

/// A filterable list.
#[derive(Debug, Clone, PartialEq)]
pub struct Picker {
    pub title: String,
    pub input: Input,
    pub items: Vec<PickItem>,
    /// Index into [`Picker::matches`].
    pub selected: usize,
    /// Why the last Enter chose nothing.
    pub error: Option<String>,
}

impl Picker {
    pub fn new(title: impl Into<String>, items: Vec<PickItem>) -> Self {
        Self { title: title.into(), input: Input::default(), items, selected: 0, error: None }
    }

    /// The items matching every typed word, in their order.
    pub fn matches(&self) -> Vec<&PickItem> {
        let words: Vec<String> = self.input.text.split_whitespace().map(str::to_lowercase).collect();
        self.items
            .iter()
            .filter(|item| {
                let haystack = format!("{} {}", item.label, item.detail).to_lowercase();
                words.iter().all(|w| haystack.contains(w.as_str()))
            })
            .collect()
    }

    /// The highlighted match.
    pub fn chosen(&self) -> Option<&PickItem> {
        self.matches().get(self.selected).copied()
    }

    pub fn down(&mut self) {
        self.selected = (self.selected + 1).min(self.matches().len().saturating_sub(1));
    }

    pub fn up(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(label: &str, detail: &str) -> PickItem {
        PickItem { label: label.into(), detail: detail.into(), choice: Choice::AssignTo(Some(label.into())) }
    }

    #[test]
    fn typing_narrows_by_label_and_detail() {
        let mut picker = Picker::new("Assign", vec![item("Ada Lovelace", "ada"), item("Bo", "bo@example.com")]);
        picker.input = Input::with("EXAMPLE");
        assert_eq!(picker.matches().iter().map(|i| i.label.as_str()).collect::<Vec<_>>(), ["Bo"]);
        picker.input = Input::with("a lov");
        assert_eq!(picker.chosen().map(|i| i.label.as_str()), Some("Ada Lovelace"));
        picker.input = Input::default();
        picker.down();
        picker.down();
        assert_eq!(picker.chosen().map(|i| i.label.as_str()), Some("Bo"));
    }
}
