//! Starts and stops a Stoplight Prism mock of Sentry's OpenAPI schema for the contract suite.
//!
//! Contract: `Prism::start()` finds the Prism binary (`SIFT_PRISM_BIN`, else
//! `<crate>/target/prism/node_modules/.bin/prism` as installed by `tests/prism/install.sh`) and
//! the schema (`SIFT_OPENAPI_MOCK`, else the first `shared/sentry-api/openapi-mock.json` found
//! in the crate directory or one of its ancestors, i.e. `../shared/sentry-api/openapi-mock.json`
//! from the main crate), runs `prism mock -h 127.0.0.1 -p <free port> <schema>`, waits until it
//! answers HTTP, and kills it on drop (also when a test panics). Prism's output goes to
//! `target/prism/prism-<port>.log`, which is kept only when the test failed.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Prism {
    child: Child,
    pub base_url: String,
    pub log: PathBuf,
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn prism_bin() -> PathBuf {
    let bin = std::env::var_os("SIFT_PRISM_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir().join("target/prism/node_modules/.bin/prism"));
    assert!(
        bin.exists(),
        "Prism not found at {} — run tests/prism/install.sh first (or set SIFT_PRISM_BIN)",
        bin.display()
    );
    bin
}

pub fn schema_path() -> PathBuf {
    if let Some(p) = std::env::var_os("SIFT_OPENAPI_MOCK") {
        return PathBuf::from(p);
    }
    let dir = crate_dir();
    // A clone made elsewhere (CI clones the repository to a scratch folder) still finds the
    // schema beside the repository it was cloned from.
    let origin = Command::new("git")
        .args(["config", "--get", "remote.origin.url"])
        .current_dir(&dir)
        .output()
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|p| p.is_absolute());
    let roots = std::iter::once(dir.as_path()).chain(origin.as_deref());
    roots
        .flat_map(Path::ancestors)
        .map(|a| a.join("shared/sentry-api/openapi-mock.json"))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("openapi-mock.json not found above {}; set SIFT_OPENAPI_MOCK", dir.display()))
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free loopback port");
    l.local_addr().expect("local addr").port()
}

impl Prism {
    pub async fn start() -> Self {
        let bin = prism_bin();
        let schema = schema_path();
        let port = free_port();
        let log_dir = crate_dir().join("target/prism");
        std::fs::create_dir_all(&log_dir).expect("create target/prism");
        let log = log_dir.join(format!("prism-{port}.log"));
        let out = File::create(&log).expect("create prism log");
        let err = out.try_clone().expect("clone log handle");
        let child = Command::new(&bin)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(&schema)
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut prism = Self { child, base_url: format!("http://127.0.0.1:{port}/"), log };
        prism.wait_ready(Duration::from_secs(180)).await;
        prism
    }

    async fn wait_ready(&mut self, limit: Duration) {
        let started = Instant::now();
        let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("http client");
        let probe = format!("{}api/0/organizations/", self.base_url);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("prism exited early ({status}); log:\n{}", tail(&self.log));
            }
            if http.get(&probe).send().await.is_ok() {
                eprintln!("prism ready at {} after {:?}", self.base_url, started.elapsed());
                return;
            }
            assert!(started.elapsed() < limit, "prism not ready after {limit:?}; log:\n{}", tail(&self.log));
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}
