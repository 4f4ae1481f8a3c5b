//! The only code that touches the terminal's modes or writes escape sequences: entering and
//! leaving raw mode and the alternate screen (restored on drop, on panic and on every exit
//! path), suspending to the shell on ctrl-z, and the OSC sequences for the clipboard (52) and
//! desktop notifications (9).

use std::io::{self, Stdout, Write};

use base64::Engine;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The terminal in console mode; dropping it restores the shell's terminal.
pub struct Term {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
    mouse: bool,
}

fn enter(mouse: bool) -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, crossterm::cursor::Hide)?;
    if mouse {
        execute!(io::stdout(), EnableMouseCapture)?;
    }
    Ok(())
}

/// Puts the terminal back as the shell expects it. Safe to call more than once.
pub fn restore(mouse: bool) {
    if mouse {
        let _ = execute!(io::stdout(), DisableMouseCapture);
    }
    let _ = execute!(io::stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
    let _ = disable_raw_mode();
}

impl Term {
    /// Enters console mode and installs a panic hook that restores the terminal first.
    pub fn enter(mouse: bool) -> io::Result<Self> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore(mouse);
            previous(info);
        }));
        enter(mouse)?;
        let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(Self { terminal, mouse })
    }

    /// Leaves console mode, stops the process as ctrl-z would, and comes back when resumed.
    pub fn suspend(&mut self) -> io::Result<()> {
        restore(self.mouse);
        #[cfg(unix)]
        {
            // Raw mode swallowed the terminal's own SIGTSTP; act as its default handler would.
            let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGTSTP);
        }
        enter(self.mouse)?;
        self.terminal.clear()
    }

    fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        let out = self.terminal.backend_mut();
        out.write_all(bytes)?;
        out.flush()
    }

    /// Puts `text` on the clipboard through OSC 52 (works over SSH; tmux passes it on with
    /// `set-clipboard on`, its default for outside applications).
    pub fn copy(&mut self, text: &str) -> io::Result<()> {
        let encoded = base64::engine::general_purpose::STANDARD.encode(text);
        self.write_raw(format!("\x1b]52;c;{encoded}\x07").as_bytes())
    }

    pub fn bell(&mut self) -> io::Result<()> {
        self.write_raw(b"\x07")
    }

    /// A desktop notification (OSC 9); the text is cleaned of anything that could end it.
    pub fn notify(&mut self, text: &str) -> io::Result<()> {
        let clean: String = crate::tui::sanitize::one_line(text).chars().filter(|c| *c != ';').collect();
        self.write_raw(format!("\x1b]9;{clean}\x07").as_bytes())
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        restore(self.mouse);
    }
}
