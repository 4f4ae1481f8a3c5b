//! The demo data set as data: three projects, their releases and issues (each made from one of
//! the project's recorded SDK events, with its own error, crashing frame, size and story), and
//! the people who hit them. The recorded events in `assets/demo/` are the SDKs' own payloads from
//! `tests/fixtures/sdk`, with the test scenario's paths and names relabelled as an application's
//! (`/srv/shop/shop/checkout.py`, `ledger_worker::run_worker`) and the Rust test harness's frames
//! marked as library frames.

/// Events before this many hours ago come before the triage; the rest after.
pub(super) const TRIAGE_HOURS: f64 = 30.0;

pub(super) const DAY: f64 = 86_400.0;

/// How an issue's events spread over the fourteen days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
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
pub(super) enum Triage {
    Leave,
    Resolve,
    Archive,
    ArchiveUntilEscalating,
    AssignToMe,
    High,
    Low,
}

/// One issue of the demo: which recorded event it is made from, and what makes it its own.
pub(super) struct Spec {
    pub(super) template: usize,
    pub(super) kind: &'static str,
    pub(super) value: &'static str,
    /// The crashing frame: file, function and the line of code that raised.
    pub(super) file: &'static str,
    pub(super) function: &'static str,
    pub(super) code: &'static str,
    pub(super) level: &'static str,
    pub(super) events: u32,
    pub(super) users: u32,
    pub(super) shape: Shape,
    pub(super) triage: Triage,
}

impl Spec {
    /// The issue's title as the server makes it: `Type: value`, or whichever of them there is.
    pub(super) fn title(&self) -> String {
        match (self.kind, self.value) {
            ("", value) => value.to_string(),
            (kind, "") => kind.to_string(),
            (kind, value) => format!("{kind}: {value}"),
        }
    }
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

pub(super) use Shape::{Comeback, Faded, Fresh, Spike, Steady};
pub(super) use Triage::{Archive, ArchiveUntilEscalating, AssignToMe, High, Leave, Low, Resolve};

#[rustfmt::skip]
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

#[rustfmt::skip]
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

#[rustfmt::skip]
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
pub(super) struct Project {
    pub(super) slug: &'static str,
    pub(super) platform: &'static str,
    pub(super) templates: &'static str,
    pub(super) releases: [&'static str; 3],
    pub(super) issues: &'static [Spec],
}

pub(super) const PROJECTS: [Project; 3] = [
    Project {
        slug: "shop-backend",
        platform: "python",
        templates: include_str!("../../assets/demo/python.json"),
        releases: ["shop-backend@2.3.0", "shop-backend@2.4.0", "shop-backend@2.4.1"],
        issues: BACKEND,
    },
    Project {
        slug: "shop-api",
        platform: "node",
        templates: include_str!("../../assets/demo/node.json"),
        releases: ["shop-api@5.12.0", "shop-api@5.13.0", "shop-api@5.13.2"],
        issues: API,
    },
    Project {
        slug: "ledger-worker",
        platform: "rust",
        templates: include_str!("../../assets/demo/rust.json"),
        releases: ["ledger-worker@0.9.0", "ledger-worker@0.10.0", "ledger-worker@0.10.1"],
        issues: WORKER,
    },
];

pub(super) const USERS: [(&str, &str); 12] = [
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_data_set_is_big_enough_and_every_template_exists() {
        let issues: usize = PROJECTS.iter().map(|p| p.issues.len()).sum();
        let events: u32 = PROJECTS.iter().flat_map(|p| p.issues.iter().map(|s| s.events)).sum();
        assert!(issues >= 40, "{issues} issues");
        assert!(events >= 2_000, "{events} events");
        for project in &PROJECTS {
            let templates: Vec<Value> = serde_json::from_str(project.templates).unwrap();
            assert!(project.issues.iter().all(|s| s.template < templates.len()), "{}", project.slug);
            let mut titles: Vec<String> = project.issues.iter().map(Spec::title).collect();
            titles.sort();
            titles.dedup();
            assert_eq!(titles.len(), project.issues.len(), "titles are unique in {}", project.slug);
        }
    }
}
