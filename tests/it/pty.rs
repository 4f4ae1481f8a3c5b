//! The compiled console in a pseudo-terminal, for tests that must see every byte it writes
//! (terminal injection) or its screen exactly as a terminal draws it (the README screenshot).
//! A reader thread keeps the bytes; a terminal emulator (vt100) is fed them and keeps each
//! distinct screen, and reports what it was asked to do besides drawing.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

use super::support::sift_bin;

/// Everything the emulator was asked to do besides drawing.
#[derive(Default)]
pub struct Recorder {
    pub effects: Vec<String>,
}

impl vt100::Callbacks for Recorder {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.effects.push("audible bell".into());
    }
    fn visual_bell(&mut self, _: &mut vt100::Screen) {
        self.effects.push("visual bell".into());
    }
    fn resize(&mut self, _: &mut vt100::Screen, request: (u16, u16)) {
        self.effects.push(format!("window resize to {request:?}"));
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.effects.push(format!("icon name {:?}", String::from_utf8_lossy(name)));
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.effects.push(format!("window title {:?}", String::from_utf8_lossy(title)));
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.effects.push(format!("clipboard write {:?}", String::from_utf8_lossy(data)));
    }
    fn paste_from_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8]) {
        self.effects.push("clipboard read".into());
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        let params: Vec<_> = params.iter().map(|p| String::from_utf8_lossy(p).to_string()).collect();
        self.effects.push(format!("OSC {params:?}"));
    }
    fn unhandled_control(&mut self, _: &mut vt100::Screen, b: u8) {
        self.effects.push(format!("control byte {b:#04x}"));
    }
}

/// What the emulator is given in place of U+FFFD (one cell wide, like it).
const STAND_IN: &str = "\u{2370}";

fn size(rows: u16, cols: u16) -> PtySize {
    PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }
}

pub fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("non-zero")
}

/// The compiled console in a pseudo-terminal: every byte it writes is kept, and fed to a
/// terminal emulator whose distinct screens are kept too.
pub struct Console {
    raw: Arc<Mutex<Vec<u8>>>,
    eof: Arc<AtomicBool>,
    parsed: usize,
    pub emulator: vt100::Parser<Recorder>,
    pub screens: Vec<String>,
    writer: Box<dyn Write + Send>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Console {
    /// The console on the data directory `dir/data`, with nothing from the caller's environment.
    pub fn start(dir: &Path, rows: u16, cols: u16) -> Self {
        let data = dir.join("data");
        Self::spawn(dir, rows, cols, &["--data-dir".as_ref(), data.as_os_str()], &[])
    }

    /// `sift ARGS` at `rows` x `cols` with `dir` as its home and working directory, its config in
    /// `dir/config`, and of the caller's environment nothing but `env`.
    pub fn spawn(dir: &Path, rows: u16, cols: u16, args: &[&std::ffi::OsStr], env: &[(&str, &str)]) -> Self {
        let pair = native_pty_system().openpty(size(rows, cols)).expect("openpty");
        let mut command = CommandBuilder::new(sift_bin());
        command.args(args);
        // Nothing from the user's environment: no SENTRY_* settings, no .sentryclirc, no config.
        command.env_clear();
        command.env("HOME", dir);
        command.env("XDG_CONFIG_HOME", dir.join("xdg"));
        command.env("SIFT_CONFIG_DIR", dir.join("config"));
        command.env("TERM", "xterm-256color");
        command.env("LANG", "C.UTF-8");
        for (key, value) in env {
            command.env(key, value);
        }
        command.cwd(dir);
        let child = pair.slave.spawn_command(command).expect("spawn the console");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let raw = Arc::new(Mutex::new(Vec::new()));
        let eof = Arc::new(AtomicBool::new(false));
        {
            let (raw, eof) = (raw.clone(), eof.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 16 * 1024];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => raw.lock().expect("raw").extend_from_slice(&buf[..n]),
                    }
                }
                eof.store(true, Ordering::SeqCst);
            });
        }
        Self {
            raw,
            eof,
            parsed: 0,
            emulator: vt100::Parser::new_with_callbacks(nz(rows), nz(cols), 0, Recorder::default()),
            screens: Vec::new(),
            writer,
            master: pair.master,
            child,
        }
    }

    /// Feeds what arrived to the emulator and keeps the screen when it changed.
    pub fn pump(&mut self) {
        let new = {
            let raw = self.raw.lock().expect("raw");
            raw[self.parsed..].to_vec()
        };
        // Whole characters only: a read may end inside one.
        let end = match std::str::from_utf8(&new) {
            Err(err) if err.error_len().is_none() => err.valid_up_to(),
            _ => new.len(),
        };
        if end == 0 {
            return;
        }
        self.parsed += end;
        // vt100 draws nothing for U+FFFD, where a real terminal draws it in one cell (and the
        // sanitiser draws it for C1 controls and bidi overrides): it gets a stand-in.
        let text = String::from_utf8_lossy(&new[..end]).replace('\u{fffd}', STAND_IN);
        self.emulator.process(text.as_bytes());
        let screen = self.screen_now();
        if self.screens.last() != Some(&screen) {
            self.screens.push(screen);
        }
    }

    /// The emulator's screen, as text.
    pub fn screen_now(&self) -> String {
        self.emulator.screen().contents().replace(STAND_IN, "\u{fffd}")
    }

    pub fn screen(&mut self) -> String {
        self.pump();
        self.screen_now()
    }

    /// Whether the screen shows `text` within `limit`.
    pub fn shows_within(&mut self, text: &str, limit: Duration) -> bool {
        let start = Instant::now();
        loop {
            if self.screen().contains(text) {
                return true;
            }
            if start.elapsed() >= limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Waits until the screen shows `text`; panics with the screen after a generous deadline.
    pub fn wait_for(&mut self, text: &str) -> String {
        self.wait_for_within(text, Duration::from_secs(30))
    }

    /// Waits until the screen shows `text`; panics with the screen after `limit`.
    pub fn wait_for_within(&mut self, text: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(self.child.try_wait().ok().flatten().is_none(), "the console exited; the screen:\n{screen}");
            assert!(start.elapsed() < limit, "waited {limit:?} for {text:?}; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Waits until the screen has not changed for `quiet` (answers and highlighting arrive
    /// after the first draw), and returns it; panics after a generous deadline.
    pub fn settled(&mut self, quiet: Duration) -> String {
        let start = Instant::now();
        let mut screen = self.screen();
        loop {
            std::thread::sleep(quiet);
            let now = self.screen();
            if now == screen {
                return now;
            }
            assert!(start.elapsed() < Duration::from_secs(60), "the screen never settled:\n{now}");
            screen = now;
        }
    }

    /// Presses Tab until the section showing `text` is on screen (however many sections the
    /// opened issue has; twice round, in case a section was still loading), pressing `keys` in
    /// each section passed on the way.
    pub fn tab_until(&mut self, text: &str, keys: &[&str]) {
        for _ in 0..16 {
            self.keys(&["\t"]);
            if self.shows_within(text, Duration::from_millis(700)) {
                return;
            }
            self.keys(keys);
            if self.shows_within(text, Duration::from_millis(100)) {
                return;
            }
        }
        let screen = self.screen();
        panic!("no section shows {text:?}; the screen:\n{screen}");
    }

    /// Types `keys` one at a time, with a pause so an Esc is never read as the start of an Alt
    /// chord and the screen can follow.
    pub fn keys(&mut self, keys: &[&str]) {
        for key in keys {
            self.writer.write_all(key.as_bytes()).expect("type");
            self.writer.flush().expect("flush");
            let pause = if key.starts_with('\x1b') { 200 } else { 60 };
            std::thread::sleep(Duration::from_millis(pause));
            self.pump();
        }
    }

    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.pump();
        self.master.resize(size(rows, cols)).expect("resize the pty");
        self.emulator.set_size(nz(rows), nz(cols));
    }

    /// Quits with ctrl-c (quit on every screen; `q` goes back from the opened issue) and
    /// collects everything written until the terminal closed.
    pub fn quit(&mut self) -> portable_pty::ExitStatus {
        self.keys(&["\x03"]);
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            assert!(start.elapsed() < Duration::from_secs(15), "ctrl-c did not quit; the screen:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(50));
        };
        let start = Instant::now();
        while !self.eof.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.pump();
        status
    }

    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().expect("raw").clone()
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
