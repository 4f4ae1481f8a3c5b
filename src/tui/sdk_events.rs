//! Test fixtures from real SDK traffic: the envelopes recorded under
//! `tests/fixtures/sdk/<client>/NNN/` (see `tests/sdk/README.md`) turned into the Web API's event
//! JSON exactly as sift's server would serve it, through the real ingest code and no store:
//! decode the body, parse the envelope, [`ingest::prepare_envelope`], inflate the prepared event
//! and render it with the server's [`full_event`].
//!
//! The output is the same on every run and machine: the event ids are the recorded ones, and the
//! arrival time is the event's own time (so no clock-drift correction and no wall clock). The
//! event is the only one of its issue (group 1, project 1, no previous or next event), and its
//! release, when it has one, was first and last seen with it.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::api::models::Event;
use crate::config::Limits;
use crate::ingest::normalize::time;
use crate::ingest::{self, decode, envelope};
use crate::server::api::event_json::{EventContext, full_event};
use crate::store::catalog::Release;
use crate::store::issues::StoredEvent;
use crate::store::{NewEvent, codec};

/// Used as the arrival time only when neither the event nor its envelope says when it was sent.
const FALLBACK_RECEIVED: f64 = 1_795_348_800.0;

fn client_dir(client: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sdk").join(client)
}

/// The recorded requests of `client`, in arrival order.
fn recordings(client: &str) -> Vec<PathBuf> {
    let dir = client_dir(client);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|err| panic!("no recordings in {}: {err}", dir.display()));
    let mut dirs: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no recordings in {}", dir.display());
    dirs
}

/// A header of a recorded `request.json` (`[[name, value], ...]`), by case-insensitive name.
fn header<'a>(request: &'a Value, name: &str) -> Option<&'a str> {
    request["headers"].as_array()?.iter().find_map(|pair| {
        let key = pair.get(0)?.as_str()?;
        key.eq_ignore_ascii_case(name).then(|| pair.get(1)?.as_str()).flatten()
    })
}

/// When the envelope's (first) event happened, else when the envelope was sent.
fn event_time(env: &envelope::Envelope<'_>) -> f64 {
    let from_event = env.items.iter().filter(|item| item.kind() == "event").find_map(|item| {
        let payload: Value = serde_json::from_slice(item.payload).ok()?;
        payload.get("timestamp").and_then(time::parse)
    });
    from_event.or_else(|| env.header.get("sent_at").and_then(time::parse)).unwrap_or(FALLBACK_RECEIVED)
}

/// The prepared error events of one recorded request, as the server's ingest route makes them.
fn prepare(dir: &Path) -> Vec<NewEvent> {
    let what = dir.display();
    let request: Value = serde_json::from_slice(
        &std::fs::read(dir.join("request.json")).unwrap_or_else(|err| panic!("{what}/request.json: {err}")),
    )
    .unwrap_or_else(|err| panic!("{what}/request.json: {err}"));
    let body = std::fs::read(dir.join("body.bin")).unwrap_or_else(|err| panic!("{what}/body.bin: {err}"));
    let limits = Limits::default();
    let encoding = decode::Encoding::from_header(header(&request, "content-encoding"))
        .unwrap_or_else(|err| panic!("{what}: {err}"));
    let decoded = decode::decode(&body, encoding, limits.max_envelope).unwrap_or_else(|err| panic!("{what}: {err}"));
    let req = |received| ingest::Request {
        project_id: 1,
        received,
        // What `sift serve` sees from a client on the same machine.
        client_ip: Some("127.0.0.1".into()),
        scrub: true,
        performance: Default::default(),
    };
    let path = request["path"].as_str().unwrap_or_default();
    let prepared = if path.trim_end_matches('/').ends_with("/store") {
        let received =
            serde_json::from_slice::<Value>(&decoded).ok().and_then(|e| e.get("timestamp").and_then(time::parse));
        ingest::prepare_store(&decoded, &req(received.unwrap_or(FALLBACK_RECEIVED)), &limits)
    } else {
        let env = envelope::parse(&decoded).unwrap_or_else(|err| panic!("{what}: {err}"));
        ingest::prepare_envelope(&env, &req(event_time(&env)), &limits)
    };
    prepared.unwrap_or_else(|err| panic!("{what}: {err}")).job.events
}

/// The Web API's JSON for a prepared event.
fn api_json(event: &NewEvent) -> Value {
    let json = codec::decode(&event.data).unwrap_or_else(|err| panic!("event {}: {err}", event.event_id));
    let data: Value = serde_json::from_slice(&json).unwrap_or_else(|err| panic!("event {}: {err}", event.event_id));
    let stored = StoredEvent {
        row_id: 1,
        event_id: event.event_id.clone(),
        project_id: 1,
        group_id: 1,
        timestamp: event.timestamp,
        received: event.received,
        size: event.size as i64,
        data,
    };
    let release = event.release.as_ref().map(|version| Release {
        version: version.clone(),
        first_seen: event.received,
        last_seen: event.received,
        date_created: event.received,
        date_released: None,
        url: None,
        git_ref: None,
    });
    full_event(&stored, &EventContext { release, previous: None, next: None })
}

/// Every recorded event of `client` (`python`, `node`, `cli`, `rust`) with the name of its
/// recording folder, in arrival order: error and message events, not transactions, sessions or
/// other items.
pub fn events(client: &str) -> Vec<(String, Value)> {
    recordings(client)
        .iter()
        .flat_map(|dir| {
            let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            prepare(dir).iter().map(|event| (name.clone(), api_json(event))).collect::<Vec<_>>()
        })
        .collect()
}

/// The stored JSON of every recorded event of `client`, exactly as the store keeps it
/// (before compression), in arrival order.
pub fn stored(client: &str) -> Vec<Vec<u8>> {
    recordings(client)
        .iter()
        .flat_map(|dir| prepare(dir))
        .map(|event| codec::decode(&event.data).unwrap_or_else(|err| panic!("event {}: {err}", event.event_id)))
        .collect()
}

/// The API JSON of the first recorded event of `client` whose title contains `title_contains`.
pub fn raw(client: &str, title_contains: &str) -> Value {
    let all = events(client);
    let found = all.iter().find(|(_, event)| event["title"].as_str().is_some_and(|t| t.contains(title_contains)));
    match found {
        Some((_, event)) => event.clone(),
        None => {
            let titles: Vec<String> =
                all.iter().map(|(dir, event)| format!("{dir}: {}", event["title"].as_str().unwrap_or("?"))).collect();
            panic!("no {client} event titled like {title_contains:?}; the titles are:\n{}", titles.join("\n"))
        }
    }
}

/// The first recorded event of `client` whose title contains `title_contains`, as the console's
/// API client decodes it.
pub fn event(client: &str, title_contains: &str) -> Event {
    let value = raw(client, title_contains);
    Event::from_json(value).unwrap_or_else(|err| panic!("{client} {title_contains:?}: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(event: &'a Value, kind: &str) -> Option<&'a Value> {
        event["entries"].as_array()?.iter().find(|e| e["type"] == kind).map(|e| &e["data"])
    }

    #[test]
    fn every_client_has_events_that_decode() {
        for (client, count) in [("python", 17), ("node", 17), ("cli", 2), ("rust", 18)] {
            let all = events(client);
            assert_eq!(all.len(), count, "{client}");
            for (dir, value) in all {
                let decoded: Result<Event, _> = serde_json::from_value(value.clone());
                let event = decoded.unwrap_or_else(|err| panic!("{client}/{dir}: {err}"));
                assert_eq!(event.event_id.len(), 32, "{client}/{dir}");
                assert_eq!(event.group_id.as_deref(), Some("1"));
                assert!(!event.title.is_empty(), "{client}/{dir}");
            }
        }
    }

    #[test]
    fn output_is_deterministic() {
        for client in ["python", "rust"] {
            assert_eq!(events(client), events(client), "{client}");
        }
        let event = raw("python", "ConfigError");
        assert_eq!(event["dateCreated"], event["dateReceived"], "received is the event's own time");
    }

    #[test]
    fn python_chained_exception() {
        let event = event("python", "PaymentError");
        let exception = event.exception().expect("exception entry");
        let chain: Vec<_> = exception.values.iter().map(|v| v.kind.as_deref().unwrap_or("")).collect();
        assert_eq!(chain, ["GatewayTimeoutError", "PaymentError"], "cause first, raised last");
        let frames = &exception.values[1].stacktrace.as_ref().expect("stack trace").frames;
        assert!(frames.iter().any(|f| f.function.as_deref() == Some("refund_payment") && !f.context.is_empty()));
        assert_eq!(event.release.as_ref().map(|r| r.version.as_str()), Some("shop@1.2.3"));
        assert_eq!(event.tag("environment"), Some("staging"));
    }

    #[test]
    fn python_breadcrumbs_and_user() {
        let event = event("python", "invalid order 1002");
        let crumbs = event.breadcrumbs().expect("breadcrumbs entry");
        let categories: Vec<_> = crumbs.values.iter().map(|c| c.category.as_deref().unwrap_or("")).collect();
        assert_eq!(categories, ["navigation", "http", "cart"]);
        assert!(crumbs.values.iter().all(|c| c.timestamp.is_some()));
        let user = event.user.as_ref().expect("user");
        assert_eq!((user.id.as_deref(), user.email.as_deref()), (Some("u2"), Some("u2@example.com")));
        assert_eq!(event.culprit.as_deref(), Some("__main__ in process_order"));
    }

    #[test]
    fn python_wsgi_request_is_scrubbed() {
        let event = event("python", "AuthError");
        let request = event.request().expect("request entry");
        assert_eq!(request.method.as_deref(), Some("POST"));
        let header = |name: &str| request.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v);
        assert_eq!(header("Authorization").map(String::as_str), Some("[Filtered]"));
        assert_eq!(header("Cookie").map(String::as_str), Some("[Filtered]"));
        assert_eq!(header("User-Agent").map(String::as_str), Some("sift-sdk-suite/1.0"));
        assert!(!raw("python", "AuthError").to_string().contains("sk_live_4f9a8c7e6d5b4a39"));
        assert_eq!(event.user.as_ref().and_then(|u| u.ip_address.as_deref()), Some("127.0.0.1"));
    }

    #[test]
    fn node_stack_trace_has_context_lines() {
        let value = raw("node", "ConfigError");
        let event = event("node", "ConfigError");
        let exception = event.exception().expect("exception entry");
        let frames = &exception.values.last().and_then(|v| v.stacktrace.as_ref()).expect("stack trace").frames;
        let frame = frames.iter().rev().find(|f| f.in_app == Some(true)).expect("an in-app frame");
        assert!(frame.context.len() > 1, "{frame:?}");
        let line = frame.line_no.expect("line number");
        assert!(frame.context.iter().any(|c| c.line_no == line && c.text.contains("ConfigError")), "{frame:?}");
        assert!(entry(&value, "exception").is_some());
    }

    #[test]
    fn rust_events_carry_frames() {
        let payment = event("rust", "PaymentError");
        let exception = payment.exception().expect("exception entry");
        let chain: Vec<_> = exception.values.iter().map(|v| v.kind.as_deref().unwrap_or("")).collect();
        assert_eq!(chain, ["GatewayTimeout", "PaymentError"]);
        let frames = &exception.values[1].stacktrace.as_ref().expect("stack trace").frames;
        assert!(frames.iter().any(|f| f.function.as_deref() == Some("it::sdk_rust::refund_payment")));
        assert!(frames.iter().all(|f| f.context.is_empty()), "the Rust SDK sends no source context");

        let panic = event("rust", "checkout invariant violated");
        let values = &panic.exception().expect("exception entry").values;
        assert_eq!(values[0].mechanism.as_ref().and_then(|m| m.kind.as_deref()), Some("panic"));
        assert!(values[0].stacktrace.as_ref().is_some_and(|s| s.frames.len() > 10));
        assert_eq!(panic.tag("level"), Some("fatal"));
    }

    #[test]
    fn a_missing_title_lists_the_titles() {
        let result = std::panic::catch_unwind(|| raw("cli", "no such title"));
        let message = result.expect_err("no such event");
        let text = message.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(text.contains("Deploy v42 finished with warnings"), "{text}");
    }
}
