//! Crash safety of the compiled server: under mixed load (twelve ingest senders, and the Web
//! API's list, event and resolve/unresolve calls) it is killed with SIGKILL, five times; after each restart every event that had been answered 200 is in the store and the
//! database passes `PRAGMA integrity_check`. Also: a decompression bomb sent to the real
//! process leaves its peak memory bounded.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use sift::store::{self, issues};

use super::support::{SiftProcess, dsn_of, event_id};

fn key_of(dsn: &str) -> String {
    dsn.split("://").nth(1).and_then(|rest| rest.split('@').next()).expect("dsn key").to_string()
}

fn event_body(id: &str, n: usize) -> String {
    let event = json!({
        "event_id": id, "platform": "python", "level": "error", "message": format!("load test {}", n % 7),
        "user": { "id": format!("u{}", n % 13) }, "tags": { "worker": (n % 4).to_string() },
        "extra": { "padding": "x".repeat(2000) }
    })
    .to_string();
    format!("{{\"event_id\":\"{id}\"}}\n{{\"type\":\"event\",\"length\":{}}}\n{event}\n", event.len())
}

/// Sends events from `workers` tasks until the server stops answering; returns acknowledged ids.
async fn load(url: String, key: String, workers: usize) -> Vec<String> {
    let acked = Arc::new(Mutex::new(Vec::new()));
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
    let mut tasks = Vec::new();
    for worker in 0..workers {
        let (client, url, key, acked) = (client.clone(), url.clone(), key.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            for n in 0.. {
                let id = event_id();
                let sent = client
                    .post(&url)
                    .header("x-sentry-auth", format!("Sentry sentry_key={key}, sentry_version=7"))
                    .body(event_body(&id, worker * 100_000 + n))
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status().is_success() => acked.lock().expect("lock").push(id),
                    Ok(response) => panic!("unexpected status {}", response.status()),
                    Err(_) => break,
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("worker");
    }

    acked.lock().expect("lock").clone()
}

/// A console and a person at the same time: the list, an issue, its latest event, and resolve /
/// unresolve, until the server stops answering; returns how many calls were answered.
async fn triage_load(base: String, token: String) -> usize {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client");
    let mut answered = 0;
    for round in 0.. {
        let list =
            client.get(format!("{base}/api/0/organizations/local/issues/?query=")).bearer_auth(&token).send().await;
        let Ok(list) = list else { break };
        assert!(list.status().is_success(), "list answered {}", list.status());
        let Ok(issues) = list.json::<serde_json::Value>().await else { break };
        answered += 1;
        let Some(id) = issues.as_array().and_then(|a| a.get(round % a.len().max(1))).and_then(|i| i["id"].as_str())
        else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let status = if round.is_multiple_of(2) { "resolved" } else { "unresolved" };
        let calls = [
            client.get(format!("{base}/api/0/organizations/local/issues/{id}/events/latest/")).bearer_auth(&token),
            client
                .put(format!("{base}/api/0/organizations/local/issues/{id}/"))
                .bearer_auth(&token)
                .json(&json!({ "status": status })),
        ];
        for call in calls {
            match call.send().await {
                Ok(response) => {
                    assert!(response.status().is_success(), "answered {}", response.status());
                    answered += 1;
                }
                Err(_) => return answered,
            }
        }
    }
    answered
}

#[test]
fn acknowledged_events_survive_repeated_sigkill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut all_acked = Vec::new();
    for round in 0..5 {
        let mut server = SiftProcess::start(dir.path());
        let created = server.banner.iter().any(|l| l.contains("created organization `local`, project `default`"));
        assert_eq!(created, round == 0, "the first start, and only it, creates the defaults: {:?}", server.banner);
        assert!(
            server.banner.iter().any(|l| l.trim_start().starts_with("default") && l.contains("@127.0.0.1:")),
            "{:?}",
            server.banner
        );
        let key = key_of(&dsn_of(dir.path(), "default"));
        let token = server.cli(&["token"]).trim().to_string();
        let url = server.url("/api/1/envelope/");
        let (acked, triaged) = runtime.block_on(async {
            let load = tokio::spawn(load(url, key, 12));
            let triage = tokio::spawn(triage_load(server.url(""), token));
            tokio::time::sleep(Duration::from_millis(1500)).await;
            server.kill();
            (load.await.expect("load"), triage.await.expect("triage"))
        });
        assert!(acked.len() > 50, "round {round}: only {} events acknowledged", acked.len());
        assert!(round == 0 || triaged > 3, "round {round}: the Web API answered only {triaged} calls");
        all_acked.extend(acked);

        let conn = store::open_connection(&dir.path().join("sift.db"), false).expect("open");
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
        assert_eq!(check, "ok", "round {round}");
        let missing: Vec<&String> =
            all_acked.iter().filter(|id| !issues::has_event(&conn, id).expect("query")).collect();
        assert!(
            missing.is_empty(),
            "round {round}: {} of {} acknowledged events lost, e.g. {:?}",
            missing.len(),
            all_acked.len(),
            missing.first()
        );
        let counted: i64 = conn.query_row("SELECT sum(times_seen) FROM groups", [], |r| r.get(0)).expect("sum");
        assert_eq!(counted, issues::event_count(&conn).expect("count"), "issue counters match stored events");
    }
    // And the server still starts and accepts events after all that.
    let server = SiftProcess::start(dir.path());
    let key = key_of(&dsn_of(dir.path(), "default"));
    let status = runtime.block_on(async {
        reqwest::Client::new()
            .post(server.url("/api/1/envelope/"))
            .header("x-sentry-auth", format!("Sentry sentry_key={key}"))
            .body(event_body(&event_id(), 1))
            .send()
            .await
            .expect("send")
            .status()
    });
    assert!(status.is_success());
}

#[cfg(target_os = "linux")]
#[test]
fn decompression_bombs_keep_peak_memory_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let limit_mib = 16;
    let server =
        SiftProcess::start_with_config(dir.path(), &format!("[server.limits]\nmax_envelope = {}\n", limit_mib << 20));
    let key = key_of(&dsn_of(dir.path(), "default"));
    // 8 GiB of zeros compresses to a few hundred KiB with zstd.
    let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 3).expect("zstd");
    let chunk = vec![0u8; 8 << 20];
    for _ in 0..1024 {
        encoder.write_all(&chunk).expect("compress");
    }
    let bomb = encoder.finish().expect("compress");
    assert!(bomb.len() < 1 << 20, "bomb is {} bytes", bomb.len());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = reqwest::Client::new();
    let before = super::support::proc_kib(server.child.id(), "VmHWM");
    runtime.block_on(async {
        // Concurrent bombs: decoding is capped in parallelism as well as in size.
        let mut sends = Vec::new();
        for _ in 0..8 {
            let (client, url, key, bomb) = (client.clone(), server.url("/api/1/envelope/"), key.clone(), bomb.clone());
            sends.push(tokio::spawn(async move {
                client
                    .post(url)
                    .header("x-sentry-auth", format!("Sentry sentry_key={key}"))
                    .header("content-encoding", "zstd")
                    .body(bomb)
                    .send()
                    .await
                    .expect("send")
                    .status()
                    .as_u16()
            }));
        }
        for send in sends {
            assert_eq!(send.await.expect("task"), 413);
        }
        for _ in 0..2 {
            let response = client
                .post(server.url("/api/1/envelope/"))
                .header("x-sentry-auth", format!("Sentry sentry_key={key}"))
                .header("content-encoding", "zstd")
                .body(bomb.clone())
                .send()
                .await
                .expect("send");
            assert_eq!(response.status().as_u16(), 413);
        }
        let good = client
            .post(server.url("/api/1/envelope/"))
            .header("x-sentry-auth", format!("Sentry sentry_key={key}"))
            .body(event_body(&event_id(), 0))
            .send()
            .await
            .expect("send");
        assert!(good.status().is_success(), "a good event is accepted after the bombs");
    });
    let after = super::support::proc_kib(server.child.id(), "VmHWM");
    // Each decode holds its output (at most the limit) plus the decoder's and allocator's working
    // memory, measured at about 4x the limit; at most DECODE_SLOTS run at once. The bombs
    // themselves would inflate to 8 GiB each: memory follows the limit, not the bomb.
    let bound_kib = before + (sift::server::DECODE_SLOTS as u64 * 5 * limit_mib + 64) * 1024;
    assert!(after < bound_kib, "peak RSS grew from {before} KiB to {after} KiB (bound {bound_kib} KiB)");
}
