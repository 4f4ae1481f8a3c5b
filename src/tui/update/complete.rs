//! Tab in the search prompt: completes the word before the cursor from what
//! [`crate::tui::complete`] offers, asking the server for its tag keys (when the prompt opens)
//! and for a key's values (when they are first wanted), and completing again when they come.
//! One candidate goes in at once; several put in what they share and show as a list that tab
//! and shift-tab step through.

use chrono::{DateTime, Utc};

use super::super::complete::{self, Catalogue, Completion, Values, Wait, Want};
use super::super::msg::Effect;
use super::super::overlay::{Overlay, Prompt, PromptKind};
use super::super::state::{Failure, Load, ReqId, State, describe};
use crate::api::{Error, TagKey, TagValue};

fn scope(state: &State) -> (Vec<i64>, Vec<String>) {
    (state.list.project.iter().map(|(id, _)| *id).collect(), state.list.environment.iter().cloned().collect())
}

fn catalogue(state: &State) -> Catalogue<'_> {
    Catalogue { environments: &state.environments, projects: &state.projects, members: &state.members }
}

/// The search prompt opened: ask for the organization's tag keys (for this list's scope), and
/// forget the values asked for before.
pub fn opened(state: &mut State, now: DateTime<Utc>) -> Vec<Effect> {
    state.tags.values.clear();
    if state.tags.keys_req.is_some() {
        return Vec::new();
    }
    let req = state.request();
    state.tags.keys_req = Some(req);
    if state.tags.keys.ready().is_none() {
        state.tags.keys = Load::Loading { since: now };
    }
    let (projects, environments) = scope(state);
    vec![Effect::FetchTagKeys { req, projects, environments }]
}

/// Tab (`forward`) or shift-tab in the search prompt.
pub fn tab(state: &mut State, prompt: &mut Prompt, forward: bool, now: DateTime<Utc>) -> Vec<Effect> {
    if let Some(shown) = prompt.completion.as_mut().filter(|c| c.candidates.len() > 1) {
        let n = shown.candidates.len();
        let next = match (shown.selected, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        shown.selected = Some(next);
        let insert = shown.candidates[next].insert.clone();
        complete::replace(&mut prompt.input, shown.start, &insert);
        return Vec::new();
    }
    run(state, prompt, now)
}

/// Completes the word before the cursor with what is known, or asks the server and waits.
fn run(state: &mut State, prompt: &mut Prompt, now: DateTime<Utc>) -> Vec<Effect> {
    let token = complete::token(&prompt.input);
    let want = complete::want(&token.text);
    let waiting = |wait: Wait, note: &str| Completion {
        start: token.start,
        note: Some(note.to_string()),
        waiting: Some(wait),
        ..Completion::default()
    };
    let needs_keys = match &want {
        Want::Key { .. } => true,
        Want::Value { key, .. } => matches!(complete::values_of(key, catalogue(state)), Values::TagKeys),
        Want::Nothing(_) => false,
    };
    let mut note = None;
    if needs_keys {
        match &state.tags.keys {
            Load::Loading { .. } => {
                prompt.completion = Some(waiting(Wait::Keys, "reading the server's tags…"));
                return Vec::new();
            }
            Load::Failed(failure) => note = Some(format!("the server's tags are unavailable: {}", failure.message)),
            _ => {}
        }
    }
    let mut values: &[TagValue] = &[];
    if let Want::Value { key, prefix, .. } = &want
        && let Values::Server { tag, .. } = complete::values_of(key, catalogue(state))
    {
        let asked = (tag.clone(), prefix.clone());
        match state.tags.values.get(&asked) {
            None | Some(Load::Idle) => {
                state.tags.values.insert(asked.clone(), Load::Loading { since: now });
                prompt.completion =
                    Some(waiting(Wait::Values { tag: tag.clone(), text: prefix.clone() }, "reading values…"));
                let (projects, environments) = scope(state);
                return vec![Effect::FetchTagValues { tag, text: prefix.clone(), projects, environments }];
            }
            Some(Load::Loading { .. }) => {
                prompt.completion = Some(waiting(Wait::Values { tag, text: prefix.clone() }, "reading values…"));
                return Vec::new();
            }
            Some(Load::Failed(failure)) => note = Some(format!("{tag} values are unavailable: {}", failure.message)),
            Some(Load::Ready(ready)) => values = ready,
        }
    }
    let tags: &[TagKey] = state.tags.keys.ready().map_or(&[], Vec::as_slice);
    let candidates = complete::candidates(&want, catalogue(state), tags, values);
    match candidates.len() {
        0 => {
            let said = note.unwrap_or_else(|| complete::nothing(&want, catalogue(state)));
            prompt.completion = Some(Completion { start: token.start, note: Some(said), ..Completion::default() });
        }
        1 => {
            complete::replace(&mut prompt.input, token.start, &candidates[0].insert);
            prompt.completion =
                note.map(|note| Completion { start: token.start, note: Some(note), ..Default::default() });
        }
        _ => {
            let shared = complete::shared_start(&candidates);
            if shared.chars().count() > token.text.chars().count() {
                complete::replace(&mut prompt.input, token.start, &shared);
            }
            prompt.completion = Some(Completion { start: token.start, candidates, note, ..Completion::default() });
        }
    }
    Vec::new()
}

/// Completes again in the open search prompt if it waits for `what`.
fn resume(state: &mut State, what: &Wait, now: DateTime<Utc>) -> Vec<Effect> {
    let Some(Overlay::Prompt(mut prompt)) = state.overlay.take() else {
        return Vec::new();
    };
    let waits = prompt.kind == PromptKind::Search
        && prompt.completion.as_ref().and_then(|c| c.waiting.as_ref()).is_some_and(|w| w == what);
    let effects = if waits { run(state, &mut prompt, now) } else { Vec::new() };
    state.overlay = Some(Overlay::Prompt(prompt));
    effects
}

fn load<T>(result: Result<T, Error>, now: DateTime<Utc>) -> Load<T> {
    match result {
        Ok(value) => Load::Ready(value),
        Err(error) => Load::Failed(Failure { message: describe(&error), at: now }),
    }
}

/// The organization's tag keys arrived.
pub fn keys_loaded(
    state: &mut State,
    req: ReqId,
    result: Result<Vec<TagKey>, Error>,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    if state.tags.keys_req != Some(req) {
        return Vec::new();
    }
    state.tags.keys_req = None;
    // A failed refresh keeps the keys read before.
    if result.is_ok() || state.tags.keys.ready().is_none() {
        state.tags.keys = load(result, now);
    }
    resume(state, &Wait::Keys, now)
}

/// Values of tag `tag` containing `text` arrived.
pub fn values_loaded(
    state: &mut State,
    tag: String,
    text: String,
    result: Result<Vec<TagValue>, Error>,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    state.tags.values.insert((tag.clone(), text.clone()), load(result, now));
    resume(state, &Wait::Values { tag, text }, now)
}
