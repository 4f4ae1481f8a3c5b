//! Keys while an overlay is open, and what its choices do: menus (ignore, priority, copy,
//! environment, project, assign), prompts (search with history, counts, a user name), the
//! command palette and confirmations.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::super::action::Action;
use super::super::msg::Effect;
use super::super::overlay::{
    Choice, CopyChoice, IgnoreChoice, Input, Menu, MenuItem, Overlay, Palette, Prompt, PromptKind,
};
use super::super::state::{ChangeKind, PRIORITIES, State, ToastLevel};
use super::{Ctx, act, list, triage};
use crate::api::{AssignTarget, IssueUpdate, Priority};

/// Searches kept for the prompt's history.
const HISTORY: usize = 50;

fn ignore_menu() -> Menu {
    let items = vec![
        MenuItem::new('e', "until escalating", Choice::Ignore(IgnoreChoice::UntilEscalating)),
        MenuItem::new('f', "forever", Choice::Ignore(IgnoreChoice::Forever)),
        MenuItem::new('1', "for 30 minutes", Choice::Ignore(IgnoreChoice::Minutes(30))),
        MenuItem::new('2', "for 1 hour", Choice::Ignore(IgnoreChoice::Minutes(60))),
        MenuItem::new('3', "for 24 hours", Choice::Ignore(IgnoreChoice::Minutes(24 * 60))),
        MenuItem::new('4', "for 7 days", Choice::Ignore(IgnoreChoice::Minutes(7 * 24 * 60))),
        MenuItem::new('n', "until N more events…", Choice::Ignore(IgnoreChoice::Events)),
        MenuItem::new('u', "until N more users…", Choice::Ignore(IgnoreChoice::Users)),
    ];
    Menu { title: "Ignore".into(), items, selected: 0 }
}

fn priority_menu() -> Menu {
    let items = PRIORITIES
        .iter()
        .map(|p| {
            let key = p.as_str().chars().next().unwrap_or('?');
            MenuItem::new(key, p.as_str(), Choice::Priority(p.clone()))
        })
        .collect();
    Menu { title: "Priority".into(), items, selected: 0 }
}

fn copy_menu(state: &State) -> Menu {
    let mut items = vec![
        MenuItem::new('s', "short id", Choice::Copy(CopyChoice::ShortId)),
        MenuItem::new('l', "permalink", Choice::Copy(CopyChoice::Permalink)),
        MenuItem::new('m', "Markdown summary", Choice::Copy(CopyChoice::Markdown)),
    ];
    if state.detail.as_ref().is_some_and(|d| d.event.ready().is_some()) {
        items.push(MenuItem::new('t', "the stack trace as text", Choice::Copy(CopyChoice::Traceback)));
        items.push(MenuItem::new('e', "the event id", Choice::Copy(CopyChoice::EventId)));
    }
    if state.source.dsn.is_some() {
        items.push(MenuItem::new('d', "the DSN to send events to", Choice::Copy(CopyChoice::Dsn)));
    }
    Menu { title: "Copy".into(), items, selected: 0 }
}

fn numbered(index: usize) -> Option<char> {
    char::from_digit(index as u32 % 10, 10).filter(|_| index < 10)
}

fn environment_menu(state: &State) -> Menu {
    let mut items = vec![MenuItem::new('0', "all environments", Choice::Environment(None))];
    for (i, name) in state.environments.iter().enumerate() {
        items.push(MenuItem {
            key: numbered(i + 1),
            label: crate::tui::sanitize::one_line(name),
            choice: Choice::Environment(Some(name.clone())),
        });
    }
    let selected = state
        .list
        .environment
        .as_ref()
        .and_then(|e| state.environments.iter().position(|n| n == e))
        .map_or(0, |i| i + 1);
    Menu { title: "Environment".into(), items, selected }
}

fn project_menu(state: &State) -> Menu {
    let mut items = vec![MenuItem::new('0', "all projects", Choice::Project(None))];
    for (i, (id, slug)) in state.projects.iter().enumerate() {
        items.push(MenuItem {
            key: numbered(i + 1),
            label: slug.clone(),
            choice: Choice::Project(Some((*id, slug.clone()))),
        });
    }
    let selected = state
        .list
        .project
        .as_ref()
        .and_then(|(id, _)| state.projects.iter().position(|(p, _)| p == id))
        .map_or(0, |i| i + 1);
    Menu { title: "Project".into(), items, selected }
}

/// Rebuilds an open environment or project picker after the catalogue changed.
pub fn refresh_picker(state: &mut State) {
    let rebuilt = match &state.overlay {
        Some(Overlay::Menu(menu)) if menu.title == "Environment" => Some(environment_menu(state)),
        Some(Overlay::Menu(menu)) if menu.title == "Project" => Some(project_menu(state)),
        _ => None,
    };
    if let Some(menu) = rebuilt {
        state.overlay = Some(Overlay::Menu(menu));
    }
}

fn assign_menu(state: &State) -> Menu {
    let mut items = Vec::new();
    if let Some((id, name)) = &state.me {
        items.push(MenuItem::new('m', format!("me ({name})"), Choice::AssignTo(Some(id.clone()))));
    }
    for (i, (id, name)) in
        state.people.iter().filter(|(id, _)| state.me.as_ref().is_none_or(|m| m.0 != *id)).enumerate()
    {
        items.push(MenuItem { key: numbered(i + 1), label: name.clone(), choice: Choice::AssignTo(Some(id.clone())) });
    }
    items.push(MenuItem::new('o', "someone else…", Choice::AssignOther));
    items.push(MenuItem::new('x', "nobody (unassign)", Choice::AssignTo(None)));
    Menu { title: "Assign".into(), items, selected: 0 }
}

/// Opens the overlay an action asks for.
pub fn open(state: &mut State, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let overlay = match action {
        Action::Search => Overlay::Prompt(Prompt::new(PromptKind::Search, &state.list.query)),
        Action::PickEnvironment => Overlay::Menu(environment_menu(state)),
        Action::PickProject => Overlay::Menu(project_menu(state)),
        Action::IgnoreMenu => Overlay::Menu(ignore_menu()),
        Action::PriorityMenu if !state.has_priority() => {
            state.toast(ToastLevel::Error, "this server has no issue priority", now);
            return Vec::new();
        }
        Action::PriorityMenu => Overlay::Menu(priority_menu()),
        Action::Assign => Overlay::Menu(assign_menu(state)),
        Action::CopyMenu => Overlay::Menu(copy_menu(state)),
        _ => return Vec::new(),
    };
    state.overlay = Some(overlay);
    // Environments and projects appear as events arrive: ask again, and the open picker is
    // rebuilt when the answer comes.
    if matches!(action, Action::PickEnvironment | Action::PickProject) {
        vec![Effect::FetchCatalog]
    } else {
        Vec::new()
    }
}

/// A key while an overlay is open.
pub fn key(state: &mut State, key: KeyEvent, ctx: &Ctx<'_>) -> Vec<Effect> {
    let Some(overlay) = state.overlay.take() else {
        return Vec::new();
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Vec::new();
    }
    match overlay {
        Overlay::Help => match key.code {
            KeyCode::Esc | KeyCode::Char('q' | '?') | KeyCode::Enter => Vec::new(),
            _ => {
                state.overlay = Some(Overlay::Help);
                Vec::new()
            }
        },
        Overlay::Confirm(confirm) => match key.code {
            KeyCode::Char('y' | 'Y') | KeyCode::Enter => triage::apply(state, *confirm.then, true),
            KeyCode::Char('n' | 'N') | KeyCode::Esc => Vec::new(),
            _ => {
                state.overlay = Some(Overlay::Confirm(confirm));
                Vec::new()
            }
        },
        Overlay::Menu(mut menu) => {
            let chosen = match key.code {
                KeyCode::Esc | KeyCode::Char('q') => return Vec::new(),
                KeyCode::Down | KeyCode::Char('j') => {
                    menu.selected = (menu.selected + 1).min(menu.items.len().saturating_sub(1));
                    None
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    menu.selected = menu.selected.saturating_sub(1);
                    None
                }
                KeyCode::Enter => menu.items.get(menu.selected).map(|i| i.choice.clone()),
                KeyCode::Char(c) => menu.items.iter().find(|i| i.key == Some(c)).map(|i| i.choice.clone()),
                _ => None,
            };
            match chosen {
                Some(choice) => choose(state, choice, ctx.now),
                None => {
                    state.overlay = Some(Overlay::Menu(menu));
                    Vec::new()
                }
            }
        }
        Overlay::Prompt(prompt) => prompt_key(state, prompt, key, ctx.now),
        Overlay::Palette(palette) => palette_key(state, palette, key, ctx),
    }
}

pub(super) fn edit(input: &mut Input, key: &KeyEvent) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('w') if ctrl => input.delete_word(),
        KeyCode::Char('u') if ctrl => input.set(""),
        KeyCode::Char('a') if ctrl => input.home(),
        KeyCode::Char('e') if ctrl => input.end(),
        KeyCode::Char(c) if !ctrl => input.insert(c),
        KeyCode::Backspace => input.backspace(),
        KeyCode::Delete => input.delete(),
        KeyCode::Left => input.left(),
        KeyCode::Right => input.right(),
        KeyCode::Home => input.home(),
        KeyCode::End => input.end(),
        _ => return false,
    }
    true
}

fn prompt_key(state: &mut State, mut prompt: Prompt, key: KeyEvent, now: DateTime<Utc>) -> Vec<Effect> {
    match key.code {
        KeyCode::Esc => Vec::new(),
        KeyCode::Enter => submit(state, prompt, now),
        KeyCode::Up | KeyCode::Down if prompt.kind == PromptKind::Search => {
            let len = state.search_history.len();
            let next = match (key.code, prompt.history) {
                (KeyCode::Up, None) if len > 0 => Some(0),
                (KeyCode::Up, Some(i)) => Some((i + 1).min(len.saturating_sub(1))),
                (KeyCode::Down, Some(0)) => None,
                (KeyCode::Down, Some(i)) => Some(i - 1),
                (_, current) => current,
            };
            prompt.history = next;
            let text = next.and_then(|i| state.search_history.iter().rev().nth(i)).cloned().unwrap_or_default();
            prompt.input.set(&text);
            state.overlay = Some(Overlay::Prompt(prompt));
            Vec::new()
        }
        _ => {
            if edit(&mut prompt.input, &key) {
                prompt.error = None;
            }
            state.overlay = Some(Overlay::Prompt(prompt));
            Vec::new()
        }
    }
}

/// `100`, `100 per 60`, `100 per 60 minutes`, `100/60m`.
fn count_and_window(text: &str) -> Option<(u32, Option<u32>)> {
    let normalized = text.replace('/', " per ");
    let mut parts = normalized.split_whitespace();
    let count = parts.next()?.parse().ok().filter(|n| *n > 0)?;
    let window = |w: &str| w.trim_end_matches('m').parse().ok().filter(|w: &u32| *w > 0);
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (None, ..) => Some((count, None)),
        (Some("per"), Some(w), None, _) => window(w).map(|w| (count, Some(w))),
        (Some("per"), Some(w), Some("minutes" | "minute" | "min" | "mins"), None) => {
            window(w).map(|w| (count, Some(w)))
        }
        _ => None,
    }
}

fn submit(state: &mut State, mut prompt: Prompt, now: DateTime<Utc>) -> Vec<Effect> {
    let text = prompt.input.text.trim().to_string();
    match prompt.kind {
        PromptKind::Search => {
            if let Err(err) = crate::search::parse(&text) {
                prompt.error = Some(err.to_string());
                state.overlay = Some(Overlay::Prompt(prompt));
                return Vec::new();
            }
            if !text.is_empty() {
                state.search_history.retain(|h| *h != text);
                state.search_history.push(text.clone());
                if state.search_history.len() > HISTORY {
                    state.search_history.remove(0);
                }
            }
            state.list.query = text;
            list::reload(state, now)
        }
        PromptKind::IgnoreEvents | PromptKind::IgnoreUsers => match count_and_window(&text) {
            Some((count, window)) => {
                let (label, update) = if prompt.kind == PromptKind::IgnoreEvents {
                    (format!("ignore until {count} more events"), IssueUpdate::ignore_until_count(count, window))
                } else {
                    (format!("ignore until {count} more users"), IssueUpdate::ignore_until_user_count(count, window))
                };
                triage::change(state, &label, ChangeKind::Status, update, now)
            }
            None => {
                prompt.error = Some(format!("{text:?} is not a count: type a number, optionally `per` minutes"));
                state.overlay = Some(Overlay::Prompt(prompt));
                Vec::new()
            }
        },
        PromptKind::Comment if text.is_empty() => {
            state.overlay = Some(Overlay::Prompt(prompt));
            Vec::new()
        }
        PromptKind::Comment => super::detail::comment(state, text),
        PromptKind::FindCrumbs | PromptKind::FindJson => {
            super::detail::find(state, text, now);
            Vec::new()
        }
        PromptKind::AssignName if text.is_empty() => {
            state.overlay = Some(Overlay::Prompt(prompt));
            Vec::new()
        }
        PromptKind::AssignName => {
            let update = IssueUpdate::assign(AssignTarget::Name(text.clone()));
            triage::change(state, &format!("assign to {text}"), ChangeKind::Assignee, update, now)
        }
    }
}

/// Runs a menu choice.
fn choose(state: &mut State, choice: Choice, now: DateTime<Utc>) -> Vec<Effect> {
    match choice {
        Choice::Ignore(IgnoreChoice::UntilEscalating) => triage::change(
            state,
            "archive until escalating",
            ChangeKind::Status,
            IssueUpdate::archive_until_escalating(),
            now,
        ),
        Choice::Ignore(IgnoreChoice::Forever) => {
            triage::change(state, "archive forever", ChangeKind::Status, IssueUpdate::archive_forever(), now)
        }
        Choice::Ignore(IgnoreChoice::Minutes(minutes)) => {
            let label = format!("ignore for {}", super::super::view::format::duration_minutes(minutes));
            triage::change(state, &label, ChangeKind::Status, IssueUpdate::ignore_for(minutes), now)
        }
        Choice::Ignore(IgnoreChoice::Events) => {
            state.overlay = Some(Overlay::Prompt(Prompt::new(PromptKind::IgnoreEvents, "")));
            Vec::new()
        }
        Choice::Ignore(IgnoreChoice::Users) => {
            state.overlay = Some(Overlay::Prompt(Prompt::new(PromptKind::IgnoreUsers, "")));
            Vec::new()
        }
        Choice::Priority(priority) => priority_change(state, priority, now),
        Choice::Copy(what) => triage::copy(state, what, now),
        Choice::Environment(environment) => {
            state.list.environment = environment;
            list::reload(state, now)
        }
        Choice::Project(project) => {
            state.list.project = project;
            list::reload(state, now)
        }
        Choice::AssignTo(Some(id)) => {
            let name = state.people.iter().find(|(i, _)| *i == id).map_or(id.clone(), |(_, n)| n.clone());
            triage::change(
                state,
                &format!("assign to {name}"),
                ChangeKind::Assignee,
                IssueUpdate::assign(AssignTarget::User(id)),
                now,
            )
        }
        Choice::AssignTo(None) => triage::change(state, "unassign", ChangeKind::Assignee, IssueUpdate::unassign(), now),
        Choice::AssignOther => {
            state.overlay = Some(Overlay::Prompt(Prompt::new(PromptKind::AssignName, "")));
            Vec::new()
        }
    }
}

fn priority_change(state: &mut State, priority: Priority, now: DateTime<Utc>) -> Vec<Effect> {
    let label = format!("priority {}", priority.as_str());
    triage::change(state, &label, ChangeKind::Priority, IssueUpdate::set_priority(priority), now)
}

/// Actions the palette offers here (priority only where the server has it, nothing that
/// changes issues in a read-only console).
pub fn palette_actions(state: &State) -> Vec<Action> {
    Action::ALL.iter().copied().filter(|a| state.offers(*a)).collect()
}

fn palette_key(state: &mut State, mut palette: Palette, key: KeyEvent, ctx: &Ctx<'_>) -> Vec<Effect> {
    let matches = palette.matches(&palette_actions(state));
    match key.code {
        KeyCode::Esc => Vec::new(),
        KeyCode::Enter => match matches.get(palette.selected) {
            Some(&action) => act(state, action, ctx),
            None => Vec::new(),
        },
        KeyCode::Down | KeyCode::Tab => {
            palette.selected = (palette.selected + 1).min(matches.len().saturating_sub(1));
            state.overlay = Some(Overlay::Palette(palette));
            Vec::new()
        }
        KeyCode::Up | KeyCode::BackTab => {
            palette.selected = palette.selected.saturating_sub(1);
            state.overlay = Some(Overlay::Palette(palette));
            Vec::new()
        }
        _ => {
            if edit(&mut palette.input, &key) {
                palette.selected = 0;
            }
            state.overlay = Some(Overlay::Palette(palette));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::count_and_window;

    #[test]
    fn counts_with_optional_windows() {
        assert_eq!(count_and_window("100"), Some((100, None)));
        assert_eq!(count_and_window("100 per 60"), Some((100, Some(60))));
        assert_eq!(count_and_window("5/30m"), Some((5, Some(30))));
        assert_eq!(count_and_window("100 per 60 minutes"), Some((100, Some(60))));
        for bad in ["", "0", "x", "10 per", "10 per 0", "10 every 5"] {
            assert_eq!(count_and_window(bad), None, "{bad}");
        }
    }
}
