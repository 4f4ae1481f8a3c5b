//! Test harness: an in-process router over a fresh store in a temp dir, request helpers, and a
//! handle on the compiled `sift` binary for end-to-end tests.

#![allow(dead_code, reason = "each test module uses a different part of the harness")]

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sift::config::{Durability, ServerConfig};
use sift::server::{AppState, router};
use sift::store::{self, Store, issues, projects};
use tower::ServiceExt;

/// A server router over its own store.
pub struct TestApp {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub router: Router,
    /// The default project's (id 1) DSN public key.
    pub key: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl TestApp {
    pub fn new() -> Self {
        Self::with_config(ServerConfig::default())
    }

    pub fn with_config(config: ServerConfig) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("sift.db");
        let mut conn = store::open_admin(&db).expect("open db");
        projects::bootstrap(&mut conn).expect("bootstrap");
        let key = projects::list_projects(&conn).expect("projects")[0].public_key.clone();
        let store = Store::open(&db, Durability::Normal).expect("store");
        let router = router(AppState::new(store.clone(), &config));
        Self { dir, store, router, key }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("sift.db")
    }

    pub fn conn(&self) -> rusqlite::Connection {
        store::open_connection(&self.db_path(), false).expect("connection")
    }

    /// Creates another project and returns (id, key).
    pub fn add_project(&self, slug: &str) -> (i64, String) {
        let mut conn = self.conn();
        let p = projects::create_project(&mut conn, slug, None).expect("create project");
        (p.id, p.public_key)
    }

    /// Registers an extra public key for a project (to replay captured traffic).
    pub fn add_key(&self, project_id: i64, key: &str) {
        self.conn()
            .execute(
                "INSERT OR IGNORE INTO project_keys (project_id, label, public_key, secret_key, date_created) VALUES (?1, 'fixture', ?2, '', 0)",
                rusqlite::params![project_id, key],
            )
            .expect("insert key");
    }

    pub async fn request(&self, method: &str, uri: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Reply {
        let mut builder = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let response =
            self.router.clone().oneshot(builder.body(Body::from(body)).expect("request")).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| json!({ "raw": String::from_utf8_lossy(&bytes) }))
        };
        Reply { status, headers, body }
    }

    /// Posts an envelope to project 1 with the default key in X-Sentry-Auth.
    pub async fn post_envelope(&self, body: Vec<u8>) -> Reply {
        let auth = format!("Sentry sentry_key={}, sentry_version=7", self.key);
        self.request("POST", "/api/1/envelope/", &[("x-sentry-auth", &auth)], body).await
    }

    /// Sends one event (as an envelope) and asserts it was accepted.
    pub async fn send_event(&self, event: Value) -> String {
        let reply = self.post_envelope(envelope(&event)).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        reply.body["id"].as_str().expect("id").to_string()
    }

    /// The Web API token.
    pub fn token(&self) -> String {
        projects::api_token(&self.conn()).expect("token").expect("a token")
    }

    /// A Web API request with the server's Bearer token and a JSON body (when given).
    pub async fn api(&self, method: &str, uri: &str, body: Option<Value>) -> Reply {
        let auth = format!("Bearer {}", self.token());
        let mut headers = vec![("authorization", auth.as_str()), ("host", "127.0.0.1:9000")];
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.request(method, uri, &headers, bytes).await
    }

    pub fn issues(&self) -> Vec<issues::IssueRecord> {
        issues::list_issues(&self.conn(), None).expect("issues")
    }
}

/// A one-event envelope with lengths.
pub fn envelope(event: &Value) -> Vec<u8> {
    let payload = event.to_string();
    let id = event.get("event_id").and_then(Value::as_str);
    let header = match id {
        Some(id) => json!({ "event_id": id }),
        None => json!({}),
    };
    format!("{header}\n{{\"type\":\"event\",\"length\":{}}}\n{payload}\n", payload.len()).into_bytes()
}

/// A fresh random 32-hex event id.
pub fn event_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

/// A Python-like exception event raised in `function` of `module`.
pub fn python_error(ty: &str, value: &str, frames: &[(&str, &str, &str)]) -> Value {
    let frames: Vec<Value> = frames
        .iter()
        .enumerate()
        .map(|(i, (module, function, line))| {
            json!({
                "module": module, "function": function, "filename": format!("{}.py", module.replace('.', "/")),
                "abs_path": format!("/srv/{}.py", module.replace('.', "/")), "lineno": 10 + i, "in_app": true,
                "context_line": line, "pre_context": ["def x():"], "post_context": ["    pass"]
            })
        })
        .collect();
    json!({
        "platform": "python", "level": "error",
        "exception": { "values": [{ "type": ty, "value": value, "mechanism": { "type": "generic", "handled": false },
                                    "stacktrace": { "frames": frames } }] }
    })
}

/// The compiled `sift` binary, running `serve` on a free loopback port.
pub struct SiftProcess {
    pub child: Child,
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    /// What `sift serve` printed after its listening line.
    pub banner: Vec<String>,
}

/// A memory figure of process `pid` from `/proc/PID/status`, in KiB: `VmRSS` (resident now) or
/// `VmHWM` (the peak).
pub fn proc_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/{pid}/status"))
}

pub fn sift_bin() -> &'static str {
    env!("CARGO_BIN_EXE_sift")
}

impl SiftProcess {
    pub fn start(data_dir: &Path) -> Self {
        Self::start_with_config(data_dir, "")
    }

    /// Starts the server with `config` as its config.toml.
    pub fn start_with_config(data_dir: &Path, config: &str) -> Self {
        Self::start_with_env(data_dir, config, &[])
    }

    /// Starts the server with `config` as its config.toml and `env` added to its environment.
    pub fn start_with_env(data_dir: &Path, config: &str, env: &[(&str, &str)]) -> Self {
        std::fs::create_dir_all(data_dir.join("config")).expect("config dir");
        std::fs::write(data_dir.join("config/config.toml"), config).expect("config.toml");
        let mut child = Command::new(sift_bin())
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env("SIFT_CONFIG_DIR", data_dir.join("config"))
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn sift serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut banner = Vec::new();
        let addr = loop {
            let line = lines.next().expect("sift serve exited before listening").expect("read stdout");
            if let Some(rest) = line.strip_prefix("sift server listening on http://") {
                break rest.trim().parse().expect("address");
            }
            banner.push(line);
        };
        // The rest of the banner: data directory, first-start note, DSNs.
        for line in lines.by_ref() {
            let line = line.expect("read stdout");
            let done = line.starts_with("Web API token");
            banner.push(line);
            if done {
                break;
            }
        }
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { child, addr, data_dir: data_dir.to_path_buf(), banner }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A Web API GET with `token`, its JSON body.
    pub fn api_get(&self, token: &str, path: &str) -> Value {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async {
            reqwest::Client::new()
                .get(self.url(path))
                .bearer_auth(token)
                .send()
                .await
                .expect("request")
                .json()
                .await
                .expect("json")
        })
    }

    /// Runs a `sift` subcommand against this data dir and returns its stdout.
    pub fn cli(&self, args: &[&str]) -> String {
        run_cli(&self.data_dir, args)
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SiftProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn run_cli(data_dir: &Path, args: &[&str]) -> String {
    let out = Command::new(sift_bin())
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env("SIFT_CONFIG_DIR", data_dir.join("config"))
        .output()
        .expect("run sift");
    assert!(out.status.success(), "sift {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The DSN of project `slug` from `sift projects list --json`.
pub fn dsn_of(data_dir: &Path, slug: &str) -> String {
    let list: Value = serde_json::from_str(&run_cli(data_dir, &["projects", "list", "--json"])).expect("json");
    list.as_array()
        .expect("array")
        .iter()
        .find(|p| p["slug"] == slug)
        .and_then(|p| p["dsn"].as_str())
        .expect("project in list")
        .to_string()
}

/// Shared state for tests that need an `Arc<AppState>`.
pub fn state(store: Store) -> Arc<AppState> {
    AppState::new(store, &ServerConfig::default())
}
