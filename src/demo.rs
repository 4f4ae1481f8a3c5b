//! The demo data set: three projects (a Python backend, a Node API and a Rust worker) with some
//! fifty issues and thousands of events over fourteen days, made from events the real SDKs sent
//! (`assets/demo/*.json`, taken from the wire recordings in `tests/fixtures/sdk`). Each issue
//! gets its own error, crashing frame and source line, and its events their own time, user,
//! environment and release, shifted so the newest are minutes old.
//!
//! Everything goes through the real ingest path: envelopes over HTTP to the server's DSNs. The
//! story (resolved issues that come back, archived ones that escalate, assignments, priorities,
//! comments) is told through the Web API between two rounds of events: what happened up to 30
//! hours ago, then the triage, then the last 30 hours. Event ids are derived from the issue and
//! the event's number, and the store records that the demo was loaded, so loading twice adds
//! nothing.

use std::time::Duration;

use anyhow::{Context, Result};
use rusqlite::Connection;
use serde_json::{Value, json};

use crate::api::{AssignTarget, Client, ClientConfig, IssueListParams, IssueUpdate, Priority};
use crate::store::projects;

/// The store's record that the demo was loaded (its value: when, unix seconds).
pub const META_DEMO: &str = "demo_loaded";

/// Events before this many hours ago come before the triage; the rest after.
const TRIAGE_HOURS: f64 = 30.0;

const DAY: f64 = 86_400.0;

/// How an issue's events spread over the fourteen days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// All along, busier in working hours.
    Steady,
    /// First seen in the last day and a half.
    Fresh,
    /// Busy until a week ago, quiet since.
    Faded,
    /// Resolved three days ago, back in the last day.
    Comeback,
    /// Archived until it escalates, then a burst in the last three hours.
    Spike,
}

/// What the triage round does to an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Triage {
    Leave,
    Resolve,
    Archive,
    ArchiveUntilEscalating,
    AssignToMe,
    High,
    Low,
}

/// One issue of the demo: which recorded event it is made from, and what makes it its own.
struct Spec {
    template: usize,
    kind: &'static str,
    value: &'static str,
    /// The crashing frame: file, function and the line of code that raised.
    file: &'static str,
    function: &'static str,
    code: &'static str,
    level: &'static str,
    events: u32,
    users: u32,
    shape: Shape,
    triage: Triage,
}

#[expect(clippy::too_many_arguments, reason = "one row of the demo's issue tables, read positionally")]
const fn spec(
    template: usize,
    kind: &'static str,
    value: &'static str,
    at: (&'static str, &'static str, &'static str),
    events: u32,
    users: u32,
    shape: Shape,
    triage: Triage,
) -> Spec {
    Spec { template, kind, value, file: at.0, function: at.1, code: at.2, level: "error", events, users, shape, triage }
}

use Shape::{Comeback, Faded, Fresh, Spike, Steady};
use Triage::{Archive, ArchiveUntilEscalating, AssignToMe, High, Leave, Low, Resolve};

const BACKEND: &[Spec] = &[
    spec(
        0,
        "OrderError",
        "invalid order 4711: quantity must be positive",
        (
            "shop/orders.py",
            "process_order",
            "raise OrderError(f\"invalid order {order_id}: quantity must be positive\")",
        ),
        420,
        140,
        Steady,
        High,
    ),
    spec(
        1,
        "AuthError",
        "api key rejected for /api/checkout",
        ("shop/auth.py", "authorize_request", "raise AuthError(f\"api key rejected for {path}\")"),
        260,
        35,
        Steady,
        AssignToMe,
    ),
    spec(
        2,
        "PaymentError",
        "payment refund failed",
        ("shop/payments.py", "refund_payment", "raise PaymentError(\"payment refund failed\") from exc"),
        180,
        60,
        Comeback,
        Leave,
    ),
    spec(
        3,
        "SyncError",
        "tenant sync failed: upstream returned 502",
        ("shop/tenants.py", "sync_tenant", "raise SyncError(f\"tenant sync failed: upstream returned {status}\")"),
        90,
        4,
        Faded,
        Leave,
    ),
    spec(
        0,
        "KeyError",
        "'tenant_id'",
        ("shop/middleware.py", "tenant_from_request", "tenant = request.headers['tenant_id']"),
        75,
        30,
        Fresh,
        Leave,
    ),
    spec(
        0,
        "TimeoutError",
        "inventory service did not answer in 5s",
        (
            "shop/inventory.py",
            "reserve_stock",
            "raise TimeoutError(f\"inventory service did not answer in {timeout}s\")",
        ),
        240,
        90,
        Spike,
        ArchiveUntilEscalating,
    ),
    spec(
        0,
        "ValueError",
        "invalid literal for int() with base 10: 'abc'",
        ("shop/forms.py", "parse_quantity", "return int(raw)"),
        55,
        41,
        Steady,
        Low,
    ),
    spec(
        1,
        "PermissionError",
        "user 18 may not refund order 9001",
        (
            "shop/refunds.py",
            "check_refund_allowed",
            "raise PermissionError(f\"user {user.id} may not refund order {order.id}\")",
        ),
        22,
        3,
        Steady,
        Leave,
    ),
    spec(
        0,
        "ZeroDivisionError",
        "division by zero",
        ("shop/reports.py", "average_basket", "return total / len(orders)"),
        140,
        12,
        Comeback,
        Leave,
    ),
    spec(
        0,
        "AttributeError",
        "'NoneType' object has no attribute 'email'",
        ("shop/notifications.py", "send_receipt", "send_mail(order.customer.email, receipt)"),
        95,
        70,
        Steady,
        High,
    ),
    spec(
        0,
        "DeprecationWarning",
        "datetime.datetime.utcnow() is deprecated",
        ("shop/clock.py", "now", "return datetime.datetime.utcnow()"),
        300,
        1,
        Steady,
        Archive,
    ),
    spec(
        3,
        "ConnectionResetError",
        "[Errno 104] Connection reset by peer",
        ("shop/cache.py", "get_cached", "return self.client.get(key)"),
        35,
        20,
        Faded,
        Resolve,
    ),
    spec(
        0,
        "IntegrityError",
        "duplicate key value violates unique constraint \"orders_pkey\"",
        ("shop/db.py", "save_order", "cursor.execute(INSERT_ORDER, values)"),
        28,
        9,
        Fresh,
        Leave,
    ),
    spec(
        1,
        "CSRFError",
        "CSRF token missing or incorrect",
        ("shop/security.py", "verify_csrf", "raise CSRFError(\"CSRF token missing or incorrect\")"),
        66,
        50,
        Steady,
        Leave,
    ),
    spec(0, "MemoryError", "", ("shop/exports.py", "export_orders", "rows = list(query.all())"), 6, 1, Fresh, High),
    spec(
        2,
        "RefundError",
        "refund exceeds captured amount",
        ("shop/payments.py", "issue_refund", "raise RefundError(\"refund exceeds captured amount\")"),
        12,
        8,
        Faded,
        Resolve,
    ),
    spec(
        0,
        "UnicodeDecodeError",
        "'utf-8' codec can't decode byte 0xff in position 0",
        ("shop/imports.py", "read_csv", "text = data.decode(\"utf-8\")"),
        40,
        6,
        Steady,
        Leave,
    ),
];

const API: &[Spec] = &[
    spec(
        0,
        "OrderError",
        "invalid order 1002: basket is empty",
        ("src/orders.mjs", "processOrder", "throw new OrderError(`invalid order ${orderId}: basket is empty`);"),
        380,
        120,
        Steady,
        High,
    ),
    spec(
        1,
        "AuthError",
        "api key rejected for /api/checkout",
        ("src/auth.mjs", "authorizeRequest", "throw new AuthError(`api key rejected for ${url.pathname}`);"),
        210,
        25,
        Steady,
        Leave,
    ),
    spec(
        2,
        "PaymentError",
        "payment capture failed",
        ("src/payments.mjs", "capturePayment", "throw new PaymentError('payment capture failed', { cause: err });"),
        150,
        70,
        Comeback,
        Leave,
    ),
    spec(
        3,
        "SyncError",
        "tenant sync failed",
        ("src/tenants.mjs", "syncTenant", "throw new SyncError('tenant sync failed');"),
        80,
        5,
        Faded,
        Leave,
    ),
    spec(
        0,
        "TypeError",
        "Cannot read properties of undefined (reading 'id')",
        ("src/handlers/cart.mjs", "addToCart", "const productId = req.body.product.id;"),
        460,
        210,
        Spike,
        ArchiveUntilEscalating,
    ),
    spec(
        0,
        "RangeError",
        "Invalid time value",
        ("src/format.mjs", "formatDate", "return new Intl.DateTimeFormat('en', opts).format(new Date(value));"),
        70,
        44,
        Fresh,
        Leave,
    ),
    spec(
        0,
        "SyntaxError",
        "Unexpected token < in JSON at position 0",
        ("src/clients/inventory.mjs", "fetchStock", "return JSON.parse(body);"),
        190,
        80,
        Steady,
        AssignToMe,
    ),
    spec(
        1,
        "ForbiddenError",
        "scope orders:write required",
        ("src/auth.mjs", "requireScope", "throw new ForbiddenError(`scope ${scope} required`);"),
        35,
        7,
        Steady,
        Low,
    ),
    spec(
        0,
        "ReferenceError",
        "featureFlags is not defined",
        ("src/flags.mjs", "isEnabled", "return featureFlags[name] === true;"),
        24,
        24,
        Fresh,
        High,
    ),
    spec(
        3,
        "ECONNREFUSED",
        "connect ECONNREFUSED 10.0.3.7:6379",
        ("src/cache.mjs", "connectRedis", "await client.connect();"),
        110,
        60,
        Faded,
        Resolve,
    ),
    spec(
        0,
        "ValidationError",
        "\"email\" must be a valid email",
        ("src/validate.mjs", "validateSignup", "throw new ValidationError(error.message);"),
        85,
        80,
        Steady,
        Archive,
    ),
    spec(
        0,
        "RateLimitError",
        "too many requests for key shop-web",
        ("src/limits.mjs", "checkRate", "throw new RateLimitError(`too many requests for key ${key}`);"),
        130,
        3,
        Comeback,
        Leave,
    ),
    spec(
        2,
        "WebhookError",
        "stripe webhook signature mismatch",
        ("src/webhooks.mjs", "verifyWebhook", "throw new WebhookError('stripe webhook signature mismatch');"),
        18,
        1,
        Steady,
        Leave,
    ),
    spec(
        0,
        "AbortError",
        "The operation was aborted due to timeout",
        (
            "src/clients/shipping.mjs",
            "quoteShipping",
            "const res = await fetch(url, { signal: AbortSignal.timeout(3000) });",
        ),
        60,
        33,
        Fresh,
        Leave,
    ),
    spec(
        0,
        "Error",
        "ENOSPC: no space left on device, write",
        ("src/uploads.mjs", "storeUpload", "await fs.writeFile(target, buffer);"),
        9,
        4,
        Faded,
        Resolve,
    ),
];

const WORKER: &[Spec] = &[
    spec(
        0,
        "PaymentError",
        "payment settlement failed",
        ("src/settlement.rs", "settle_batch", "return Err(PaymentError::Settlement(source));"),
        160,
        30,
        Steady,
        High,
    ),
    spec(
        1,
        "panic",
        "index out of bounds: the len is 0 but the index is 0",
        ("src/queue.rs", "next_job", "let job = &self.jobs[0];"),
        45,
        6,
        Fresh,
        High,
    ),
    spec(
        2,
        "",
        "api key rejected by the ledger",
        ("src/ledger.rs", "post_entries", "return Err(Error::Unauthorized);"),
        120,
        8,
        Steady,
        Leave,
    ),
    spec(
        3,
        "SyncError",
        "tenant sync failed: schema mismatch",
        ("src/sync.rs", "sync_tenant", "return Err(SyncError::Schema { tenant });"),
        95,
        12,
        Comeback,
        Leave,
    ),
    spec(
        1,
        "panic",
        "called `Option::unwrap()` on a `None` value",
        ("src/config.rs", "load", "let url = env.get(\"DATABASE_URL\").unwrap();"),
        14,
        2,
        Faded,
        Resolve,
    ),
    spec(
        0,
        "IoError",
        "Broken pipe (os error 32)",
        ("src/export.rs", "write_report", "writer.write_all(&bytes)?;"),
        70,
        10,
        Steady,
        Low,
    ),
    spec(
        0,
        "DecodeError",
        "invalid utf-8 sequence of 1 bytes from index 5",
        ("src/import.rs", "parse_line", "let text = std::str::from_utf8(line)?;"),
        210,
        40,
        Spike,
        ArchiveUntilEscalating,
    ),
    spec(
        1,
        "panic",
        "attempt to subtract with overflow",
        ("src/stock.rs", "release", "self.reserved -= quantity;"),
        30,
        9,
        Steady,
        AssignToMe,
    ),
    spec(
        0,
        "TimeoutError",
        "deadline has elapsed",
        ("src/clients.rs", "call_gateway", "tokio::time::timeout(limit, request).await??;"),
        55,
        25,
        Fresh,
        Leave,
    ),
    spec(
        2,
        "",
        "job queue is more than 1000 jobs behind",
        ("src/monitor.rs", "check_backlog", "tracing::error!(behind, \"job queue is more than 1000 jobs behind\");"),
        40,
        1,
        Steady,
        Archive,
    ),
];

/// A demo project: its slug, platform, releases (oldest first) and issues.
struct Project {
    slug: &'static str,
    platform: &'static str,
    templates: &'static str,
    releases: [&'static str; 3],
    issues: &'static [Spec],
}

const PROJECTS: [Project; 3] = [
    Project {
        slug: "shop-backend",
        platform: "python",
        templates: include_str!("../assets/demo/python.json"),
        releases: ["shop-backend@2.3.0", "shop-backend@2.4.0", "shop-backend@2.4.1"],
        issues: BACKEND,
    },
    Project {
        slug: "shop-api",
        platform: "node",
        templates: include_str!("../assets/demo/node.json"),
        releases: ["shop-api@5.12.0", "shop-api@5.13.0", "shop-api@5.13.2"],
        issues: API,
    },
    Project {
        slug: "ledger-worker",
        platform: "rust",
        templates: include_str!("../assets/demo/rust.json"),
        releases: ["ledger-worker@0.9.0", "ledger-worker@0.10.0", "ledger-worker@0.10.1"],
        issues: WORKER,
    },
];

const USERS: [(&str, &str); 12] = [
    ("ana", "ana@example.com"),
    ("bo", "bo@example.com"),
    ("chen", "chen@example.com"),
    ("dara", "dara@example.com"),
    ("eli", "eli@example.com"),
    ("femi", "femi@example.com"),
    ("gus", "gus@example.com"),
    ("hana", "hana@example.com"),
    ("ivo", "ivo@example.com"),
    ("jun", "jun@example.com"),
    ("kai", "kai@example.com"),
    ("lea", "lea@example.com"),
];

/// What a load did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    pub projects: usize,
    pub issues: usize,
    pub events: usize,
}

/// A number in 0..1 that depends only on `seed` (a stable spread, not randomness).
fn unit(seed: u64) -> f64 {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(0x2545_f491_4f6c_dd1d);
    x ^= x >> 31;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 29;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// When the `n`th of `count` events of an issue shaped `shape` happened, in seconds before now.
fn age(shape: Shape, n: u32, count: u32, seed: u64) -> f64 {
    let share = (f64::from(n) + unit(seed)) / f64::from(count.max(1));
    let jitter = unit(seed ^ 0x5bd1) * 0.5;
    let (from, to) = match shape {
        Steady => (14.0 * DAY, 0.01 * DAY),
        Fresh => (1.5 * DAY, 0.005 * DAY),
        Faded => (14.0 * DAY, 7.0 * DAY),
        // Most events before the fix, a fifth after it came back.
        Comeback if share < 0.8 => (14.0 * DAY, 3.0 * DAY),
        Comeback => (0.8 * DAY, 0.005 * DAY),
        Spike if share < 0.55 => (14.0 * DAY, 1.5 * DAY),
        Spike => (3.0 * 3600.0, 120.0),
    };
    let local = match shape {
        Comeback if share >= 0.8 => (share - 0.8) / 0.2,
        Comeback => share / 0.8,
        Spike if share >= 0.55 => (share - 0.55) / 0.45,
        Spike => share / 0.55,
        _ => share,
    };
    // Older first: `local` 0 is the oldest time, 1 the newest, with a little jitter.
    (from - (from - to) * local.clamp(0.0, 1.0) + jitter * 600.0).max(to)
}

/// Builds one event of `spec` from its recorded template.
fn event(project: &Project, template: &Value, spec: &Spec, index: usize, n: u32, at: f64) -> Value {
    let mut event = template.clone();
    let seed = (index as u64) << 32 | u64::from(n);
    let name = format!("{}/{index}/{n}", project.slug);
    let id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes()).simple().to_string();
    let shift = at - template.get("timestamp").and_then(crate::ingest::normalize::time::parse).unwrap_or(at);
    let Some(object) = event.as_object_mut() else {
        return event;
    };
    object.insert("event_id".into(), json!(id));
    object.insert("timestamp".into(), json!(at));
    object.remove("fingerprint");
    object.remove("_meta");
    object.insert("level".into(), json!(if spec.kind == "panic" { "fatal" } else { spec.level }));
    let environment = if unit(seed ^ 0xe1) < 0.8 { "production" } else { "staging" };
    object.insert("environment".into(), json!(environment));
    let age_days = (crate::store::now() - at) / DAY;
    let release = match age_days {
        a if a > 9.0 => project.releases[0],
        a if a > 3.0 => project.releases[1],
        _ => project.releases[2],
    };
    object.insert("release".into(), json!(release));
    let (user, email) = USERS[(index * 5 + (n % spec.users.max(1)) as usize) % USERS.len()];
    let user_id = format!("{user}-{}", n % spec.users.max(1));
    object.insert("user".into(), json!({ "id": user_id, "email": email, "ip_address": "{{auto}}" }));
    if let Some(Value::Object(crumbs)) = object.get_mut("breadcrumbs") {
        for crumb in crumbs.get_mut("values").and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(t) = crumb.get("timestamp").and_then(crate::ingest::normalize::time::parse) {
                crumb["timestamp"] = json!(t + shift);
            }
        }
    }
    if spec.kind.is_empty() {
        // A message event (logged, not raised).
        object.insert("message".into(), json!(spec.value));
        object.remove("logentry");
    } else if let Some(raised) = object
        .get_mut("exception")
        .and_then(|e| e.get_mut("values"))
        .and_then(Value::as_array_mut)
        .and_then(|values| values.last_mut())
    {
        raised["type"] = json!(spec.kind);
        raised["value"] = json!(spec.value);
        if let Some(frames) =
            raised.get_mut("stacktrace").and_then(|s| s.get_mut("frames")).and_then(Value::as_array_mut)
        {
            crash_frame(frames, spec, n);
        }
    }
    event
}

/// Makes the crashing (last in-app) frame this issue's own: its file, function and code line.
fn crash_frame(frames: &mut [Value], spec: &Spec, n: u32) {
    let crash = frames.iter().rposition(|f| f.get("in_app") == Some(&json!(true))).or(frames.len().checked_sub(1));
    let Some(frame) = crash.and_then(|i| frames.get_mut(i)) else {
        return;
    };
    let module = spec.file.trim_end_matches(".py").trim_end_matches(".mjs").trim_end_matches(".rs").replace('/', ".");
    frame["filename"] = json!(spec.file);
    frame["abs_path"] = json!(format!("/srv/app/{}", spec.file));
    frame["function"] = json!(spec.function);
    frame["module"] = json!(module);
    frame["lineno"] = json!(40 + (spec.file.len() as u64 * 7) % 160);
    frame["context_line"] = json!(format!("        {}", spec.code));
    frame["in_app"] = json!(true);
    if frame.get("vars").is_some_and(Value::is_object) {
        frame["vars"]["attempt"] = json!(n % 3 + 1);
    }
}

/// Sends one event to `project_id` through the ingest endpoint, as an SDK would.
async fn send(http: &reqwest::Client, base: &str, project_id: i64, key: &str, event: &Value) -> Result<()> {
    let payload = serde_json::to_vec(event)?;
    let header = json!({ "event_id": event["event_id"] });
    let item = json!({ "type": "event", "length": payload.len() });
    let mut body = format!("{header}\n{item}\n").into_bytes();
    body.extend_from_slice(&payload);
    let client = event["sdk"]["name"].as_str().unwrap_or("sift.demo");
    let auth = format!("Sentry sentry_key={key}, sentry_version=7, sentry_client={client}");
    let response = http
        .post(format!("{base}/api/{project_id}/envelope/"))
        .header("X-Sentry-Auth", auth)
        .header("Content-Type", "application/x-sentry-envelope")
        .body(body)
        .send()
        .await
        .context("sending a demo event")?;
    anyhow::ensure!(response.status().is_success(), "the server refused a demo event: {}", response.status());
    Ok(())
}

/// Sends `events` (project id, key, event) eight at a time.
async fn send_all(http: &reqwest::Client, base: &str, events: Vec<(i64, String, Value)>) -> Result<()> {
    use futures_util::StreamExt;
    let results: Vec<Result<()>> = futures_util::stream::iter(events)
        .map(|(project, key, event)| async move { send(http, base, project, &key, &event).await })
        .buffer_unordered(8)
        .collect()
        .await;
    results.into_iter().collect()
}

/// Whether this store already has the demo.
pub fn loaded(conn: &Connection) -> Result<bool> {
    Ok(projects::meta(conn, META_DEMO)?.is_some())
}

/// Loads the demo into the store behind `base` (the server's URL), unless it is there already.
/// `conn` is an admin connection to the same store (for projects and keys).
pub async fn load(conn: &mut Connection, base: &str) -> Result<Loaded> {
    if loaded(conn)? {
        return Ok(Loaded::default());
    }
    let token = projects::api_token(conn)?.context("the database has no Web API token")?;
    let now = crate::store::now();
    let mut before = Vec::new();
    let mut after = Vec::new();
    let mut plan = Vec::new();
    for project in &PROJECTS {
        let existing = projects::list_projects(conn)?.into_iter().find(|p| p.slug == project.slug);
        let info = match existing {
            Some(info) => info,
            None => projects::create_project(conn, project.slug, Some(project.platform))?,
        };
        let templates: Vec<Value> =
            serde_json::from_str::<Vec<Value>>(project.templates)?.into_iter().map(|t| t["event"].clone()).collect();
        for (index, spec) in project.issues.iter().enumerate() {
            let template = templates.get(spec.template).context("a demo issue names a missing template")?;
            for n in 0..spec.events {
                let at = now - age(spec.shape, n, spec.events, (index as u64) << 32 | u64::from(n));
                let event = event(project, template, spec, index, n, at);
                let round = if now - at > TRIAGE_HOURS * 3600.0 { &mut before } else { &mut after };
                round.push((info.id, info.public_key.clone(), event));
            }
            plan.push((info.id, spec));
        }
    }
    let events = before.len() + after.len();
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
    send_all(&http, base, before).await?;
    let client = Client::new(ClientConfig::new(base, projects::LOCAL_ORG, &token))?;
    triage(&client, &plan).await?;
    send_all(&http, base, after).await?;
    comments(&client, &plan).await?;
    projects::set_meta(conn, META_DEMO, &now.to_string())?;
    Ok(Loaded { projects: PROJECTS.len(), issues: plan.len(), events })
}

/// The issue of `spec` (found by its title in its project).
async fn find(client: &Client, project: i64, spec: &Spec) -> Result<Option<String>> {
    let title = if spec.kind.is_empty() { spec.value.to_string() } else { format!("{}: {}", spec.kind, spec.value) };
    let params = IssueListParams {
        query: Some(String::new()),
        projects: vec![project],
        limit: Some(100),
        ..IssueListParams::default()
    };
    let page = client.list_issues(&params).await?;
    Ok(page.items.into_iter().find(|i| i.title.starts_with(title.trim_end_matches(": "))).map(|i| i.id))
}

/// The triage round between the two rounds of events.
async fn triage(client: &Client, plan: &[(i64, &Spec)]) -> Result<()> {
    for (project, spec) in plan {
        let Some(id) = find(client, *project, spec).await? else {
            continue;
        };
        let mut updates = Vec::new();
        match (spec.shape, spec.triage) {
            (Comeback, _) | (_, Resolve) => updates.push(IssueUpdate::resolve()),
            (_, Archive) => updates.push(IssueUpdate::archive_forever()),
            (_, ArchiveUntilEscalating) => updates.push(IssueUpdate::archive_until_escalating()),
            (_, AssignToMe) => updates.push(IssueUpdate::assign(AssignTarget::User("1".into()))),
            (_, High) => updates.push(IssueUpdate::set_priority(Priority::High)),
            (_, Low) => updates.push(IssueUpdate::set_priority(Priority::Low)),
            (_, Leave) => {}
        }
        for update in updates {
            client.update_issue(&id, &update).await?;
        }
    }
    Ok(())
}

/// A few comments, as a team would leave them.
async fn comments(client: &Client, plan: &[(i64, &Spec)]) -> Result<()> {
    let notes = [
        "Started after the 2.4.0 deploy; rolling back the basket validation change.",
        "Upstream inventory is slow again, paging their on-call.",
        "Fixed in the last release but it is back: the retry path was missed.",
    ];
    let picked = plan.iter().filter(|(_, s)| matches!(s.triage, High | AssignToMe) || s.shape == Comeback);
    for ((project, spec), text) in picked.zip(notes.iter().cycle()).take(6) {
        if let Some(id) = find(client, *project, spec).await? {
            // A store that had the demo before (its record lost) already has the comment.
            if let Err(err) = client.add_comment(&id, text, &[]).await {
                tracing::info!(%err, issue = %id, "demo comment not added");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_land_where_they_say() {
        for n in 0..100 {
            let seed = u64::from(n);
            assert!(age(Fresh, n, 100, seed) <= 1.5 * DAY + 600.0);
            assert!(age(Faded, n, 100, seed) >= 7.0 * DAY);
            assert!(age(Steady, n, 100, seed) <= 14.0 * DAY + 600.0);
        }
        let comeback: Vec<f64> = (0..100).map(|n| age(Comeback, n, 100, u64::from(n))).collect();
        assert!(comeback.iter().filter(|a| **a < TRIAGE_HOURS * 3600.0).count() >= 15, "some come back after the fix");
        assert!(comeback.iter().filter(|a| **a > 3.0 * DAY).count() >= 75);
        let spike: Vec<f64> = (0..100).map(|n| age(Spike, n, 100, u64::from(n))).collect();
        assert!(spike.iter().filter(|a| **a < 3.0 * 3600.0 + 600.0).count() >= 40, "a burst in the last hours");
    }

    #[test]
    fn the_data_set_is_big_enough_and_every_template_exists() {
        let issues: usize = PROJECTS.iter().map(|p| p.issues.len()).sum();
        let events: u32 = PROJECTS.iter().flat_map(|p| p.issues.iter().map(|s| s.events)).sum();
        assert!(issues >= 40, "{issues} issues");
        assert!(events >= 2_000, "{events} events");
        for project in &PROJECTS {
            let templates: Vec<Value> = serde_json::from_str(project.templates).unwrap();
            assert!(project.issues.iter().all(|s| s.template < templates.len()), "{}", project.slug);
            let mut titles: Vec<String> = project.issues.iter().map(|s| format!("{}: {}", s.kind, s.value)).collect();
            titles.sort();
            titles.dedup();
            assert_eq!(titles.len(), project.issues.len(), "titles are unique in {}", project.slug);
        }
    }
}
