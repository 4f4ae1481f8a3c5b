//! Performance end to end with real SDKs: a Flask app traced by sentry-python and an Express
//! app traced by @sentry/node, each with real SQLite queries (an N+1 loop in one route, one query
//! in another, a failure inside a span in a third), against the compiled `sift serve`. The
//! Performance API's rows, the trace tree and the performance issues are read back through the
//! Web API and checked against what the test did and measured itself.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sift::store::{self, issues};

use crate::support::{SiftProcess, dsn_of};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Requests per route.
const ROUNDS: usize = 4;

/// The Sentry thresholds, but for the N+1's total time: the apps' queries scan 60,000 rows in
/// a few milliseconds each, and a shared CI machine should not decide the outcome.
const CONFIG: &str = "[server.performance]\nn_plus_one_db_duration_ms = 5.0\n";

/// A running app, stopped (and flushed) on drop.
struct App {
    child: Child,
    port: u16,
}

impl App {
    fn start(mut command: Command) -> Self {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("start the app");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let port = loop {
            let line = lines.next().expect("the app exited before listening").expect("read stdout");
            if let Some(port) = line.strip_prefix("listening on ") {
                break port.trim().parse().expect("port");
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Self { child, port }
    }

    /// GETs `path` and returns its status and how long it took, as the client saw it.
    async fn get(&self, http: &reqwest::Client, path: &str) -> (u16, f64) {
        let started = Instant::now();
        let status = http.get(format!("http://127.0.0.1:{}{path}", self.port)).send().await.expect("request").status();
        (status.as_u16(), started.elapsed().as_secs_f64() * 1000.0)
    }

    /// SIGINT, so the SDK flushes what it still holds.
    fn stop(&mut self) {
        let _ = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Api<'a> {
    server: &'a SiftProcess,
    token: String,
    http: reqwest::Client,
}

impl Api<'_> {
    async fn get(&self, path: &str) -> Value {
        let response = self.http.get(self.server.url(path)).bearer_auth(&self.token).send().await.expect("request");
        assert!(response.status().is_success(), "{path}: {}", response.status());
        response.json().await.expect("json")
    }

    /// The Performance table of one project, by transaction name.
    async fn table(&self, project: i64) -> Vec<Value> {
        let path = format!(
            "/api/0/organizations/local/events/?dataset=spans&statsPeriod=1h&project={project}&per_page=50\
             &field=transaction&field=count()&field=p50(span.duration)&field=p95(span.duration)\
             &field=failure_rate()&query=is_transaction:true&sort=-count()"
        );
        self.get(&path).await["data"].as_array().cloned().unwrap_or_default()
    }

    /// Every transaction of `name`, with its trace and exact duration.
    async fn samples(&self, project: i64, name: &str) -> Vec<Value> {
        let query = format!("is_transaction:true transaction:\"{name}\"");
        let path = format!(
            "/api/0/organizations/local/events/?dataset=spans&statsPeriod=1h&project={project}&per_page=100\
             &field=id&field=trace&field=span.duration&field=transaction&sort=-span.duration&query={}",
            form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
        );
        self.get(&path).await["data"].as_array().cloned().unwrap_or_default()
    }
}

fn project_id(dsn: &str) -> i64 {
    dsn.rsplit('/').next().and_then(|id| id.parse().ok()).expect("project id")
}

/// The exact quantile of `values` (interpolated between ranks, as the server computes it).
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = q * (sorted.len() - 1) as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64)
}

/// The routes of one app and the names its SDK gives their transactions.
struct Routes {
    list: &'static str,
    one: &'static str,
    checkout: &'static str,
}

/// Drives one app and checks everything sift made of it.
async fn exercise(server: &SiftProcess, mut app: App, dsn: &str, routes: &Routes) {
    let http = reqwest::Client::new();
    let mut measured: std::collections::HashMap<&str, Vec<f64>> = Default::default();
    for _ in 0..ROUNDS {
        for (path, name) in [("/authors", routes.list), ("/authors/3", routes.one)] {
            let (status, ms) = app.get(&http, path).await;
            assert_eq!(status, 200, "{path}");
            measured.entry(name).or_default().push(ms);
        }
    }
    let (status, _) = app.get(&http, "/checkout").await;
    assert_eq!(status, 500);
    app.stop();

    let api = Api { server, token: store::projects::api_token(&conn(server)).unwrap().unwrap(), http };
    let project = project_id(dsn);
    // The SDK sends on its own thread; wait (bounded) until all nine transactions are stored.
    let deadline = Instant::now() + Duration::from_secs(30);
    let rows = loop {
        let rows = api.table(project).await;
        let total: u64 = rows.iter().map(|r| r["count()"].as_u64().unwrap_or(0)).sum();
        if total >= (2 * ROUNDS + 1) as u64 || Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let row = |name: &str| {
        rows.iter().find(|r| r["transaction"] == name).unwrap_or_else(|| panic!("{name} in {rows:#?}")).clone()
    };
    assert_eq!(rows.len(), 3, "{rows:#?}");
    for name in [routes.list, routes.one] {
        let row = row(name);
        assert_eq!(row["count()"], ROUNDS as u64, "{name}");
        assert_eq!(row["failure_rate()"], 0.0, "{name}");
        // Against the exact durations stored: the table reads rollups, within their 1%.
        let stored: Vec<f64> =
            api.samples(project, name).await.iter().map(|s| s["span.duration"].as_f64().unwrap()).collect();
        assert_eq!(stored.len(), ROUNDS);
        for (field, q) in [("p50(span.duration)", 0.5), ("p95(span.duration)", 0.95)] {
            let (got, exact) = (row[field].as_f64().unwrap(), quantile(&stored, q));
            assert!((got - exact).abs() <= exact * 0.011 + 0.01, "{name} {field}: {got} against {exact}");
        }
        // Against what the test measured: a transaction is the server side of a request, so
        // it is shorter than the client saw, but not by much on loopback.
        let client = &measured[name];
        let (p50, client_p50) = (row["p50(span.duration)"].as_f64().unwrap(), quantile(client, 0.5));
        assert!(p50 <= client_p50 * 1.02 + 1.0 && p50 >= client_p50 * 0.2, "{name}: p50 {p50} against {client:?}");
    }
    assert_eq!(row(routes.checkout)["failure_rate()"], 1.0);

    // The N+1's trace: the request's root span, the source query and eight repeats under it.
    let sample = &api.samples(project, routes.list).await[0];
    let trace = api.get(&format!("/api/0/organizations/local/trace/{}/", sample["trace"].as_str().unwrap())).await;
    let root = &trace[0];
    assert_eq!((root["is_transaction"].as_bool(), root["event_id"].as_str()), (Some(true), sample["id"].as_str()));
    let dbs = collect(root, &|n| n["op"].as_str().is_some_and(|op| op.starts_with("db")));
    assert_eq!(dbs.len(), 9, "one query for the authors, one per author: {trace:#}");
    for (node, parent) in &dbs {
        assert_eq!(node["parent_span_id"], parent["event_id"], "each span hangs under its parent");
    }
    let repeated = dbs.iter().filter(|(n, _)| n["description"].as_str().unwrap().contains("WHERE author_id")).count();
    assert_eq!(repeated, 8);
    assert_eq!(
        collect(root, &|n| !n["occurrences"].as_array().unwrap().is_empty()).len(),
        1,
        "the N+1 on its first repeat"
    );

    // The failed checkout: the error hangs on the span it happened in: "charge card", or the
    // failing query inside it (an SDK may name the span the error escaped from).
    let failed = &api.samples(project, routes.checkout).await[0];
    let trace = api.get(&format!("/api/0/organizations/local/trace/{}/", failed["trace"].as_str().unwrap())).await;
    let with_errors = collect(&trace[0], &|n| !n["errors"].as_array().unwrap().is_empty());
    assert_eq!(with_errors.len(), 1, "{trace:#}");
    let (span, parent) = &with_errors[0];
    let name = |n: &Value| (n["op"].as_str().map(str::to_owned), n["description"].as_str().map(str::to_owned));
    let card = (Some("function".to_string()), Some("charge card".to_string()));
    let query = (Some("db".to_string()), Some("SELECT total FROM carts WHERE id = 1".to_string()));
    assert!(
        name(span) == card || (name(span) == query && name(parent) == card),
        "the error hangs on {:?} under {:?}",
        name(span),
        name(parent)
    );
    assert!(span["errors"][0]["short_id"].as_str().is_some());
    assert!(span["errors"][0]["description"].as_str().unwrap().contains("no such table: carts"));

    // Issues: exactly one performance issue, from the N+1 route, beside the checkout's error.
    let stored = issues::list_issues(&conn(server), Some(project)).expect("issues");
    let summary: Vec<_> = stored.iter().map(|i| (i.title.clone(), i.event_type.clone(), i.culprit.clone())).collect();
    let performance: Vec<_> = stored.iter().filter(|i| i.event_type.starts_with("performance_")).collect();
    assert_eq!(performance.len(), 1, "{summary:#?}");
    assert_eq!((performance[0].title.as_str(), performance[0].culprit.as_deref()), ("N+1 Query", Some(routes.list)));
    assert_eq!(performance[0].times_seen, ROUNDS as i64);
    assert_eq!(stored.len(), 2, "the N+1 and the checkout's error: {summary:#?}");
}

/// Every node under `node` (itself included) matching `want`, with its parent.
fn collect<'a>(node: &'a Value, want: &dyn Fn(&Value) -> bool) -> Vec<(&'a Value, &'a Value)> {
    let mut found = Vec::new();
    let mut stack = vec![(node, node)];
    while let Some((at, parent)) = stack.pop() {
        if want(at) {
            found.push((at, parent));
        }
        for child in at["children"].as_array().into_iter().flatten() {
            stack.push((child, at));
        }
    }
    found
}

fn conn(server: &SiftProcess) -> rusqlite::Connection {
    store::open_connection(&server.data_dir.join("sift.db"), true).expect("db")
}

fn sdk_dir(part: &str) -> PathBuf {
    repo().join("target/sdk-clients").join(part)
}

fn python_app(dsn: &str) -> Command {
    let mut command = Command::new(sdk_dir("python/bin/python"));
    command.arg(repo().join("tests/sdk/perf/flask_app.py")).env("SENTRY_DSN", dsn);
    command
}

fn node_app(dsn: &str) -> Command {
    let mut command = Command::new("node");
    command
        .arg(repo().join("tests/sdk/perf/express_app.cjs"))
        .env("NODE_PATH", sdk_dir("perf/node_modules"))
        .env("SENTRY_DSN", dsn);
    command
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs sentry-python with Flask and the perf app's npm packages from tests/sdk/install.sh; .ci/run runs it"]
async fn flask_and_express_traces_make_the_performance_views_and_one_n_plus_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = SiftProcess::start_with_config(dir.path(), CONFIG);
    for slug in ["flask", "express"] {
        server.cli(&["projects", "create", slug]);
    }
    let (flask, express) = (dsn_of(dir.path(), "flask"), dsn_of(dir.path(), "express"));
    check_installed(&sdk_dir("python/bin/python"));
    check_installed(&sdk_dir("perf/node_modules/express"));
    let flask_routes = Routes { list: "/authors", one: "/authors/<int:author_id>", checkout: "/checkout" };
    exercise(&server, App::start(python_app(&flask)), &flask, &flask_routes).await;
    let express_routes = Routes { list: "GET /authors", one: "GET /authors/:id", checkout: "GET /checkout" };
    exercise(&server, App::start(node_app(&express)), &express, &express_routes).await;
}

fn check_installed(path: &Path) {
    assert!(path.exists(), "{} is missing: run tests/sdk/install.sh", path.display());
}
