//! `sift perf list` (the Performance table: throughput, p50, p95, failure rate and users per
//! transaction, as a table or JSON) and `sift trace TRACE_ID` (one trace as a tree, each span
//! with its op, description, duration and offset, errors on their spans). Both speak the Web
//! API through the client, so they work against sift and a remote Sentry alike.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use super::output::{self, Out};
use crate::api::models::performance::{Trace, TraceSpan};
use crate::api::{Client, PerformanceParams};
use crate::text::{fit, one_line};

#[derive(Debug, Subcommand)]
pub enum PerfCommand {
    /// Transactions by name: throughput, p50, p95, failure rate and users
    #[command(after_help = super::docs::PERF_LIST_EXAMPLES)]
    List(ListArgs),
}

/// What `perf list` is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PerfSort {
    Throughput,
    P50,
    P95,
    FailureRate,
    Users,
}

impl PerfSort {
    fn api(self) -> &'static str {
        match self {
            PerfSort::Throughput => "-count()",
            PerfSort::P50 => "-p50(span.duration)",
            PerfSort::P95 => "-p95(span.duration)",
            PerfSort::FailureRate => "-failure_rate()",
            PerfSort::Users => "-count_unique(user)",
        }
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Sentry search syntax over transactions (transaction:, transaction.op:, release:, ...)
    #[arg(long, short, value_name = "QUERY")]
    pub query: Option<String>,
    /// How far back: 1h, 24h, 14d, ...
    #[arg(long, value_name = "PERIOD", default_value = "24h")]
    pub period: String,
    /// Only transactions from this environment (repeat for more)
    #[arg(long = "env", short, value_name = "E")]
    pub environments: Vec<String>,
    /// The order, busiest or slowest first
    #[arg(long, value_enum, default_value = "throughput")]
    pub sort: PerfSort,
    /// Rows at most
    #[arg(long, value_name = "N", default_value_t = 25)]
    pub limit: u32,
    /// Print JSON: [{"transaction","project","count","tpm","p50_ms","p95_ms","failure_rate","users"}]
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TraceArgs {
    /// The trace id (32 hex digits, as `contexts.trace.trace_id` has it)
    #[arg(value_name = "TRACE_ID")]
    pub trace_id: String,
    /// Print the server's JSON tree instead
    #[arg(long)]
    pub json: bool,
}

fn millis(ms: Option<f64>) -> String {
    match ms {
        None => "-".into(),
        Some(ms) if ms < 10.0 => format!("{ms:.2}ms"),
        Some(ms) if ms < 1000.0 => format!("{ms:.0}ms"),
        Some(ms) => format!("{:.2}s", ms / 1000.0),
    }
}

/// `sift perf list`.
pub async fn list(client: &Client, args: ListArgs, out: Out) -> Result<Option<u8>> {
    let params = PerformanceParams {
        query: args.query.clone().unwrap_or_default(),
        environments: args.environments.clone(),
        projects: Vec::new(),
        stats_period: args.period.clone(),
        sort: args.sort.api().into(),
        per_page: Some(args.limit.clamp(1, 100)),
        cursor: None,
    };
    let page = client.transactions_summary(&params).await.context("reading the Performance table")?;
    if args.json {
        let rows: Vec<serde_json::Value> = page
            .items
            .iter()
            .map(|r| {
                json!({"transaction": r.transaction, "project": r.project, "count": r.count, "tpm": r.throughput,
                       "p50_ms": r.p50, "p95_ms": r.p95, "failure_rate": r.failure_rate, "users": r.users})
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(None);
    }
    if page.items.is_empty() {
        eprintln!("no transactions in the last {}", args.period);
        return Ok(None);
    }
    let width = out.width.unwrap_or(120).max(60);
    let name_width = width.saturating_sub(8 + 9 + 9 + 8 + 7 + 8);
    let mut text = output::bold(
        out,
        format!(
            "{}{:>8}{:>9}{:>9}{:>8}{:>7}{:>8}",
            fit("TRANSACTION", name_width),
            "COUNT",
            "TPM",
            "P50",
            "P95",
            "FAIL",
            "USERS"
        ),
    );
    text.push('\n');
    for row in &page.items {
        let _ = writeln!(
            text,
            "{}{:>8}{:>9.2}{:>9}{:>8}{:>6.1}%{:>8}",
            fit(&one_line(&row.transaction), name_width),
            row.count,
            row.throughput,
            millis(row.p50),
            millis(row.p95),
            row.failure_rate * 100.0,
            row.users
        );
    }
    print!("{text}");
    Ok(None)
}

/// `sift trace TRACE_ID`.
pub async fn trace(client: &Client, args: TraceArgs, out: Out) -> Result<Option<u8>> {
    let trace = client.trace(&args.trace_id).await.with_context(|| format!("reading trace {}", args.trace_id))?;
    if args.json {
        let body = client
            .get_raw(&["organizations", client.org(), "trace", &args.trace_id], &[])
            .await
            .with_context(|| format!("reading trace {}", args.trace_id))?;
        println!("{}", serde_json::to_string_pretty(&body)?);
        return Ok(None);
    }
    if trace.roots.is_empty() && trace.loose.is_empty() {
        eprintln!("no transactions or errors of trace {} are kept here", args.trace_id);
        return Ok(Some(1));
    }
    print!("{}", tree(&trace, out));
    Ok(None)
}

/// The trace as indented lines: `op description  duration  +offset`, issues under their span.
pub fn tree(trace: &Trace, out: Out) -> String {
    let start = trace.roots.iter().map(|r| r.start).fold(f64::INFINITY, f64::min);
    let mut text = String::new();
    let mut stack: Vec<(&TraceSpan, String, String)> = Vec::new();
    for root in trace.roots.iter().rev() {
        stack.push((root, String::new(), String::new()));
    }
    while let Some((span, guide, below)) = stack.pop() {
        let label = format!("{guide}{} {}", one_line(&span.op), one_line(&span.description));
        let timing = format!(
            "{}  +{}",
            millis(Some((span.end - span.start) * 1000.0)),
            millis(Some((span.start - start).max(0.0) * 1000.0))
        );
        let _ = writeln!(text, "{label}  {}", output::dim(out, timing));
        for issue in &span.issues {
            let mark = if issue.kind == "occurrence" { "◆" } else { "✖" };
            let short = issue.short_id.as_deref().map(one_line).unwrap_or_default();
            let _ = writeln!(text, "{below}   {mark} {short} {}", one_line(&issue.title));
        }
        let count = span.children.len();
        for (i, child) in span.children.iter().enumerate().rev() {
            let last = i + 1 == count;
            let guide = format!("{below}{}", if last { "└─ " } else { "├─ " });
            let next = format!("{below}{}", if last { "   " } else { "│  " });
            stack.push((child, guide, next));
        }
    }
    for issue in &trace.loose {
        let short = issue.short_id.as_deref().map(one_line).unwrap_or_default();
        let _ = writeln!(text, "✖ {short} {} (on no span)", one_line(&issue.title));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trace_prints_as_a_tree_with_its_errors() {
        let text = tree(&crate::tui::perf_fixtures::trace(2), Out::plain());
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("http.server GET /authors  "), "{text}");
        assert!(lines[1].starts_with("├─ middleware.flask authenticate␛[31m"), "{text}");
        assert!(lines[2].starts_with("│  ├─ db SELECT id, name FROM authors  4.00ms  +3.00ms"), "{text}");
        assert!(text.contains("│  │     ◆ SHOP-4 N+1 Query"), "{text}");
        assert!(text.contains("✖ SHOP-1 OperationalError: no such column: sku"), "{text}");
        assert!(text.ends_with("✖ SHOP-2 KeyError: 'cart' (on no span)\n"), "{text}");
        assert!(!text.contains('\u{1b}'));
    }
}
