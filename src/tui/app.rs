//! The event loop: terminal input, answers from the runner, a one-second tick and SIGTERM
//! become messages for the reducer; effects go to the runner or, for the terminal's own work
//! (clipboard, bell, notifications, suspend), to [`Term`]. The screen is drawn only when
//! something changed, at most once per [`FRAME`], after queued messages are drained.

use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::keymap::Keymap;
use super::msg::{Effect, Msg};
use super::runner;
use super::state::{State, ToastLevel};
use super::terminal::Term;
use super::theme::Theme;
use super::update::{self, Ctx};
use super::view;
use crate::api::Client;
use crate::clock;
use crate::highlight::{HighlightCache, Highlighter};

/// The shortest time between two frames.
pub const FRAME: Duration = Duration::from_millis(16);

/// Runs the console until the person quits or the process is asked to stop.
pub async fn run(mut term: Term, client: Client, mut state: State, theme: Theme, keymap: Keymap) -> anyhow::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    #[cfg(unix)]
    let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let size = term.terminal.size()?;
    update::update(&mut state, Msg::Resized(size.width, size.height), &Ctx { now: clock::now(), keymap: &keymap });
    let mut effects = update::first_load(&mut state, clock::now());
    let mut dirty = true;
    let mut last_draw = Instant::now().checked_sub(FRAME).unwrap_or_else(Instant::now);
    loop {
        for effect in effects.drain(..) {
            let Some(local) = runner::spawn(&client, effect, &tx) else {
                continue;
            };
            match local {
                Effect::Quit => return Ok(()),
                Effect::Suspend => {
                    term.suspend()?;
                    dirty = true;
                }
                Effect::Copy(text) => term.copy(&text)?,
                Effect::Bell => term.bell()?,
                Effect::Notify(text) => term.notify(&text)?,
                Effect::Highlight { key, language, lines } => {
                    let (tx, syntect) = (tx.clone(), theme.syntect_name().to_string());
                    tokio::task::spawn_blocking(move || {
                        let lines =
                            highlight_cache().get_or_highlight(Highlighter::shared(), language, &syntect, &lines);
                        let _ = tx.send(Msg::Highlighted { key, lines });
                    });
                }
                Effect::OpenUrl(url) => {
                    if !browser_available() || webbrowser::open(&url).is_err() {
                        state.toast(ToastLevel::Info, format!("open {url}"), clock::now());
                    }
                    dirty = true;
                }
                other => tracing::warn!(?other, "effect with no runner"),
            }
        }
        if state.quit {
            return Ok(());
        }
        let wait = FRAME.saturating_sub(last_draw.elapsed());
        if dirty && wait.is_zero() {
            let now = clock::now();
            term.terminal.draw(|frame| view::draw(frame, &state, &theme, &keymap, now))?;
            last_draw = Instant::now();
            dirty = false;
        }
        #[cfg(unix)]
        let terminate = sigterm.recv();
        #[cfg(not(unix))]
        let terminate = std::future::pending::<Option<()>>();
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => Msg::Key(key),
                Some(Ok(Event::Mouse(mouse))) => Msg::Mouse(mouse),
                Some(Ok(Event::Resize(width, height))) => Msg::Resized(width, height),
                Some(Ok(_)) => continue,
                Some(Err(err)) => return Err(err.into()),
                None => return Ok(()),
            },
            Some(msg) = rx.recv() => msg,
            _ = ticker.tick() => Msg::Tick,
            _ = terminate => return Ok(()),
            () = tokio::time::sleep(wait), if dirty => continue,
        };
        let is_tick = matches!(msg, Msg::Tick);
        let toasts = state.toasts.len();
        effects = update::update(&mut state, msg, &Ctx { now: clock::now(), keymap: &keymap });
        dirty |= !is_tick || !effects.is_empty() || state.toasts.len() != toasts;
    }
}

/// Highlighted snippets shared by every detail screen of this process.
fn highlight_cache() -> &'static HighlightCache {
    static CACHE: std::sync::OnceLock<HighlightCache> = std::sync::OnceLock::new();
    CACHE.get_or_init(HighlightCache::default)
}

/// Whether a browser could show up: a desktop session here, not an SSH-only terminal.
fn browser_available() -> bool {
    if cfg!(target_os = "macos") || cfg!(windows) {
        return std::env::var_os("SSH_CONNECTION").is_none();
    }
    std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
}
