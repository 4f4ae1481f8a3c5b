//! The real Rust SDK (the `sentry` crate) against the compiled `sift serve`. The SDK runs in a
//! child copy of this test binary, so its process-wide panic hook and hub cannot see other
//! tests. The scenario matches the Python and Node suites: repeated errors from three users,
//! distinct errors, a chained error, a parameterized message, breadcrumbs, a request with an
//! Authorization header, custom fingerprints, and panics from two different sites.

use std::fmt;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use sift::store::{self, issues};

use super::support::{SiftProcess, dsn_of};

#[derive(Debug)]
struct OrderError(String);
impl fmt::Display for OrderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for OrderError {}

#[derive(Debug)]
struct ConfigError;
impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("missing setting 'database_url'")
    }
}
impl std::error::Error for ConfigError {}

#[derive(Debug)]
struct GatewayTimeout;
impl fmt::Display for GatewayTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("gateway timeout")
    }
}
impl std::error::Error for GatewayTimeout {}

#[derive(Debug)]
struct PaymentError(GatewayTimeout);
impl fmt::Display for PaymentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("payment refund failed")
    }
}
impl std::error::Error for PaymentError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// Captures `err` with the stack of the code that reported it, as Rust applications do through
/// the SDK's backtrace support (`capture_error` alone sends no stack trace).
#[inline(never)]
fn report(err: &(dyn std::error::Error + 'static)) {
    let mut event = sentry::event_from_error(err);
    if let Some(raised) = event.exception.last_mut() {
        raised.stacktrace = sentry::integrations::backtrace::current_stacktrace();
    }
    sentry::capture_event(event);
}

#[inline(never)]
fn process_order(n: u32) {
    report(&OrderError(format!("invalid order {n}")));
}

#[inline(never)]
fn refund_order() {
    report(&OrderError("invalid order 1001".into()));
}

#[inline(never)]
fn load_config() {
    report(&ConfigError);
}

#[inline(never)]
fn refund_payment() {
    report(&PaymentError(GatewayTimeout));
}

#[inline(never)]
fn sync_tenant(tenant: &str) {
    sentry::with_scope(
        |scope| scope.set_fingerprint(Some(&["{{ default }}", tenant])),
        || report(&OrderError("tenant sync failed".into())),
    );
}

#[inline(never)]
fn panic_in_checkout() {
    panic!("checkout invariant violated");
}

#[inline(never)]
fn panic_in_billing() {
    panic!("billing invariant violated");
}

fn scenario(dsn: &str) {
    let mut options = sentry::ClientOptions::default();
    options.release = Some("shop@1.2.3".into());
    options.environment = Some("staging".into());
    // As the Python and Node scenarios do, so recordings do not carry this machine's hostname.
    options.server_name = Some("sift-sdk-suite".into());
    options.attach_stacktrace = true;
    let _guard = sentry::init((dsn, options));
    sentry::configure_scope(|scope| scope.set_tag("tenant", "acme"));
    for (category, message) in
        [("navigation", "/cart -> /checkout"), ("http", "POST /api/cart 409"), ("cart", "reserving stock")]
    {
        sentry::add_breadcrumb(sentry::Breadcrumb {
            category: Some(category.into()),
            message: Some(message.into()),
            ..Default::default()
        });
    }
    for (i, user) in ["u1", "u2", "u3", "u1", "u2", "u3"].iter().enumerate() {
        sentry::with_scope(
            |scope| {
                scope.set_user(Some(sentry::User {
                    id: Some((*user).into()),
                    email: Some(format!("{user}@example.com")),
                    ..Default::default()
                }))
            },
            || process_order(1001 + i as u32),
        );
    }
    load_config();
    refund_order();
    refund_payment();
    for name in ["alice", "bob"] {
        sentry::capture_event(sentry::protocol::Event {
            logentry: Some(sentry::protocol::LogEntry {
                message: "User %s failed to log in".into(),
                params: vec![name.into()],
            }),
            level: sentry::Level::Error,
            ..Default::default()
        });
    }
    let mut headers = std::collections::BTreeMap::new();
    headers.insert("Authorization".to_string(), "Bearer sk_live_4f9a8c7e6d5b4a39".to_string());
    headers.insert("X-Api-Key".to_string(), "ak_test_0123456789abcdef".to_string());
    headers.insert("User-Agent".to_string(), "sift-sdk-suite/1.0".to_string());
    sentry::capture_event(sentry::protocol::Event {
        message: Some("api key rejected".into()),
        request: Some(sentry::protocol::Request {
            url: "http://shop.local:8000/api/checkout".parse().ok(),
            method: Some("POST".into()),
            headers,
            ..Default::default()
        }),
        ..Default::default()
    });
    for tenant in ["tenant-a", "tenant-b", "tenant-a"] {
        sync_tenant(tenant);
    }
    for site in [panic_in_checkout as fn(), panic_in_billing, panic_in_checkout] {
        let _ = std::panic::catch_unwind(site);
    }
    sentry::Hub::current().client().expect("client").flush(Some(Duration::from_secs(10)));
}

/// The child half: runs the scenario when started by [`rust_sdk_events_are_grouped`].
#[test]
#[ignore = "runs only as the child process of rust_sdk_events_are_grouped"]
fn rust_sdk_child() {
    let dsn = std::env::var("SIFT_RUST_SDK_DSN").expect("started by rust_sdk_events_are_grouped");
    scenario(&dsn);
}

fn find(all: &[issues::IssueRecord], pred: impl Fn(&issues::IssueRecord) -> bool) -> Vec<&issues::IssueRecord> {
    all.iter().filter(|i| pred(i)).collect()
}

#[test]
fn rust_sdk_events_are_grouped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = SiftProcess::start(dir.path());
    server.cli(&["projects", "create", "rust", "--platform", "rust"]);
    let dsn = dsn_of(dir.path(), "rust");
    let status = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "sdk_rust::rust_sdk_child", "--ignored", "--nocapture", "--test-threads", "1"])
        .env("SIFT_RUST_SDK_DSN", &dsn)
        .env("RUST_BACKTRACE", "1")
        .status()
        .expect("run child");
    assert!(status.success(), "the SDK scenario failed");

    let conn = store::open_connection(&dir.path().join("sift.db"), true).expect("db");
    let project = 2;
    let all = issues::list_issues(&conn, Some(project)).expect("issues");
    let summary: Vec<_> =
        all.iter().map(|i| (i.title.clone(), i.culprit.clone(), i.times_seen, i.user_count)).collect();
    let total: i64 = all.iter().map(|i| i.times_seen).sum();
    assert_eq!(total, 18, "{summary:#?}");

    let orders = find(&all, |i| i.title.starts_with("OrderError: invalid order") && i.times_seen == 6);
    assert_eq!(orders.len(), 1, "six occurrences, one issue: {summary:#?}");
    assert_eq!(orders[0].user_count, 3);
    let refund = find(&all, |i| i.title == "OrderError: invalid order 1001" && i.times_seen == 1);
    assert_eq!(refund.len(), 1, "same type and message from refund_order is its own issue: {summary:#?}");
    assert_eq!(find(&all, |i| i.title.starts_with("ConfigError")).len(), 1, "{summary:#?}");

    let payment = find(&all, |i| i.title.starts_with("PaymentError"));
    assert_eq!(payment.len(), 1, "{summary:#?}");
    let event = &issues::issue_events(&conn, payment[0].id).expect("events")[0].data;
    let chain: Vec<&str> =
        event["exception"]["values"].as_array().expect("chain").iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(chain, vec!["GatewayTimeout", "PaymentError"], "cause first, raised last");

    let logins = find(&all, |i| i.title.contains("failed to log in"));
    assert_eq!(logins.len(), 1, "{summary:#?}");
    assert_eq!(logins[0].times_seen, 2);

    let tenants = find(&all, |i| i.title == "OrderError: tenant sync failed");
    let mut counts: Vec<i64> = tenants.iter().map(|i| i.times_seen).collect();
    counts.sort();
    assert_eq!(counts, vec![1, 2], "{{{{ default }}}} plus a tenant splits: {summary:#?}");

    let checkout = find(&all, |i| i.title.contains("checkout invariant violated"));
    let billing = find(&all, |i| i.title.contains("billing invariant violated"));
    assert_eq!((checkout.len(), billing.len()), (1, 1), "two panic sites, two issues: {summary:#?}");
    assert_eq!(checkout[0].times_seen, 2);

    let request_issue = find(&all, |i| i.title == "api key rejected");
    assert_eq!(request_issue.len(), 1, "{summary:#?}");
    let event = &issues::issue_events(&conn, request_issue[0].id).expect("events")[0].data;
    let headers: Vec<(String, String)> = event["request"]["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .map(|h| (h[0].as_str().unwrap_or("").to_string(), h[1].as_str().unwrap_or("").to_string()))
        .collect();
    assert!(headers.contains(&("Authorization".into(), "[Filtered]".into())), "{headers:?}");
    assert!(headers.contains(&("X-Api-Key".into(), "[Filtered]".into())), "{headers:?}");
    assert!(headers.contains(&("User-Agent".into(), "sift-sdk-suite/1.0".into())), "{headers:?}");

    let order_event = &issues::issue_events(&conn, orders[0].id).expect("events")[0].data;
    let crumbs = order_event["breadcrumbs"]["values"].as_array().expect("breadcrumbs");
    assert!(crumbs.iter().any(|c| c["category"] == "navigation"));
    assert_eq!(order_event["release"], Value::from("shop@1.2.3"));
    assert!(
        order_event["contexts"]["os"].is_object() || order_event["contexts"]["rust"].is_object(),
        "contexts stored"
    );
}
