//! A local HTTP receiver standing in for Slack and webhook endpoints: plain HTTP/1.1 on a
//! loopback port, one thread per connection, every request recorded (method, path, headers,
//! body). What it answers is switchable while it runs: 200 `ok`, a status (with `Retry-After`),
//! a slow answer, or a connection closed without one. Dropping it makes the port refuse, and
//! [`Receiver::start_on`] brings one up on a port chosen beforehand.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the receiver answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Ok,
    Status {
        status: u16,
        retry_after: Option<u64>,
    },
    /// Waits this long, then answers 200.
    Slow(Duration),
    /// Reads the request and closes the connection without a word.
    Close,
}

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

struct Shared {
    mode: Mutex<Mode>,
    requests: Mutex<Vec<Recorded>>,
    stop: AtomicBool,
}

pub struct Receiver {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Receiver {
    pub fn start() -> Self {
        Self::start_on(0)
    }

    /// Listens on `port` of 127.0.0.1 (0: any free one).
    pub fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the receiver");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        let shared = Arc::new(Shared {
            mode: Mutex::new(Mode::Ok),
            requests: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });
        let for_thread = shared.clone();
        std::thread::spawn(move || {
            while !for_thread.stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let shared = for_thread.clone();
                        std::thread::spawn(move || serve(stream, &shared));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Self { addr, shared }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn set(&self, mode: Mode) {
        *self.shared.mode.lock().unwrap() = mode;
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// The requests to `path`.
    pub fn to(&self, path: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.path == path).collect()
    }

    /// Waits (polling, up to `deadline`) until `path` got at least `n` requests; returns them.
    pub fn wait_for(&self, path: &str, n: usize, deadline: Duration) -> Vec<Recorded> {
        let until = Instant::now() + deadline;
        loop {
            let got = self.to(path);
            if got.len() >= n || Instant::now() >= until {
                return got;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
    }
}

fn serve(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() || first.is_empty() {
        return;
    }
    let mut parts = first.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let length = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let mode = shared.mode.lock().unwrap().clone();
    shared.requests.lock().unwrap().push(Recorded { method, path, headers, body });
    let mut stream = stream;
    let (status, extra) = match mode {
        Mode::Close => return,
        Mode::Ok => (200, String::new()),
        Mode::Slow(wait) => {
            std::thread::sleep(wait);
            (200, String::new())
        }
        Mode::Status { status, retry_after } => {
            (status, retry_after.map(|s| format!("retry-after: {s}\r\n")).unwrap_or_default())
        }
    };
    let text = if status == 200 { "ok" } else { "no_service" };
    let reply = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{text}",
        text.len()
    );
    let _ = stream.write_all(reply.as_bytes());
}
