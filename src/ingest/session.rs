//! Release health from `session` and `sessions` envelope items (PROTOCOL-NEXT part 5): a single
//! session update, or the aggregate buckets server SDKs send, become [`SessionUpdate`]s for the
//! writer to count. As in Relay, a session that cannot be counted (not JSON, no `started`, no
//! `attrs.release` or an invalid one, started more than five days ago or in the future) is
//! dropped without failing the envelope; the raw item is still kept.

use serde_json::Value;

use super::normalize::time;
use crate::store::release_writes::check_version;
use crate::store::sessions::SessionUpdate;

/// Sessions started longer ago than this are not counted (Relay's limit).
const MAX_AGE_SECS: f64 = 5.0 * 86_400.0;
/// Clock skew tolerated for a session that says it started after it arrived.
const MAX_FUTURE_SECS: f64 = 60.0;

/// The updates in one item of type `kind` (`session` or `sessions`) of project `project_id`,
/// received at `received` (unix seconds), with client times shifted by `skew` seconds.
pub fn parse(kind: &str, payload: &[u8], project_id: i64, received: f64, skew: f64) -> Vec<SessionUpdate> {
    let Ok(Value::Object(item)) = serde_json::from_slice::<Value>(payload) else {
        tracing::debug!(kind, "session item is not a JSON object; not counted");
        return Vec::new();
    };
    let attrs = item.get("attrs").and_then(Value::as_object);
    let release = attrs.and_then(|a| a.get("release")).and_then(Value::as_str).map(str::trim);
    let Some(release) = release.filter(|r| check_version(r).is_ok()) else {
        tracing::debug!(kind, ?release, "session without a valid release; not counted");
        return Vec::new();
    };
    let environment = attrs.and_then(|a| a.get("environment")).and_then(Value::as_str).unwrap_or("").to_owned();
    let base =
        SessionUpdate { project_id, release: release.to_owned(), environment, received, ..SessionUpdate::default() };
    let hour_of = |started: Option<&Value>| -> Option<i64> {
        let at = started.and_then(time::parse)? + skew;
        let fresh = at >= received - MAX_AGE_SECS && at <= received + MAX_FUTURE_SECS;
        if !fresh {
            tracing::debug!(kind, at, received, "session started out of range; not counted");
        }
        fresh.then(|| (at / 3600.0).floor() as i64)
    };
    let text = |object: &serde_json::Map<String, Value>, key: &str| {
        object.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned)
    };
    if kind == "sessions" {
        let count =
            |bucket: &serde_json::Map<String, Value>, key: &str| bucket.get(key).and_then(Value::as_u64).unwrap_or(0);
        return item
            .get("aggregates")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .filter_map(|bucket| {
                let hour = hour_of(bucket.get("started"))?;
                let [exited, errored, abnormal, unhandled, crashed] =
                    ["exited", "errored", "abnormal", "unhandled", "crashed"].map(|k| count(bucket, k));
                Some(SessionUpdate {
                    hour,
                    did: text(bucket, "did"),
                    started: exited + errored + abnormal + unhandled + crashed,
                    errored: errored + abnormal + unhandled + crashed,
                    crashed,
                    abnormal,
                    unhandled,
                    ..base.clone()
                })
            })
            .collect();
    }
    let Some(hour) = hour_of(item.get("started")) else {
        return Vec::new();
    };
    let status = item.get("status").and_then(Value::as_str).unwrap_or("ok");
    let errors = item.get("errors").and_then(Value::as_u64).unwrap_or(0);
    let init = item.get("init").and_then(Value::as_bool).unwrap_or(false);
    vec![SessionUpdate {
        hour,
        sid: Some(text(&item, "sid").unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string())),
        did: text(&item, "did"),
        started: u64::from(init),
        errored: u64::from(errors > 0 || !matches!(status, "ok" | "exited")),
        crashed: u64::from(status == "crashed"),
        abnormal: u64::from(status == "abnormal"),
        unhandled: u64::from(status == "unhandled"),
        ..base
    }]
}

#[cfg(test)]
mod tests {
    use super::parse;

    const NOW: f64 = 1_782_745_200.0; // 2026-06-29T15:00:00Z

    #[test]
    fn an_update_counts_by_relays_rules() {
        let crashed = br#"{"sid":"8333339f56754f89a9a01c935255ab58","did":"user-42","init":true,
            "started":"2026-06-29T14:16:00Z","status":"crashed","errors":1,
            "attrs":{"release":"web@1.2.3","environment":"production"}}"#;
        let [update] = parse("session", crashed, 1, NOW, 0.0).try_into().unwrap();
        assert_eq!((update.release.as_str(), update.environment.as_str()), ("web@1.2.3", "production"));
        assert_eq!(update.hour, 495_206);
        assert_eq!((update.started, update.errored, update.crashed, update.abnormal), (1, 1, 1, 0));
        assert_eq!(update.did.as_deref(), Some("user-42"));

        let exited = br#"{"sid":"a","started":"2026-06-29T14:16:00Z","status":"exited","attrs":{"release":"1.0"}}"#;
        let [update] = parse("session", exited, 1, NOW, 0.0).try_into().unwrap();
        assert_eq!((update.started, update.errored, update.crashed), (0, 0, 0), "not init: not a new session");
        let errored =
            br#"{"sid":"a","started":"2026-06-29T14:16:00Z","status":"ok","errors":2,"attrs":{"release":"1.0"}}"#;
        assert_eq!(parse("session", errored, 1, NOW, 0.0)[0].errored, 1);
    }

    #[test]
    fn aggregates_count_every_bucket() {
        let body =
            br#"{"aggregates":[{"started":"2026-06-29T14:16:00Z","did":"u","exited":120,"errored":3,"crashed":2},
                                     {"started":"2026-06-29T13:01:00Z","exited":5,"abnormal":1,"unhandled":1}],
                        "attrs":{"release":"web@1.2.3"}}"#;
        let updates = parse("sessions", body, 1, NOW, 0.0);
        assert_eq!(updates.len(), 2);
        assert_eq!((updates[0].started, updates[0].errored, updates[0].crashed), (125, 5, 2));
        assert_eq!((updates[1].started, updates[1].errored, updates[1].abnormal, updates[1].unhandled), (7, 2, 1, 1));
        assert_eq!(updates[1].hour, updates[0].hour - 1);
        assert!(updates.iter().all(|u| u.sid.is_none()));
    }

    #[test]
    fn uncountable_sessions_are_dropped() {
        for body in [
            &b"not json"[..],
            br#"{"started":"2026-06-29T14:16:00Z","attrs":{}}"#,
            br#"{"started":"2026-06-29T14:16:00Z","attrs":{"release":"latest"}}"#,
            br#"{"started":"2026-06-29T14:16:00Z","attrs":{"release":"a/b"}}"#,
            br#"{"attrs":{"release":"1.0"}}"#,
            br#"{"started":"2026-06-20T14:16:00Z","attrs":{"release":"1.0"}}"#,
            br#"{"started":"2026-06-29T16:16:00Z","attrs":{"release":"1.0"}}"#,
        ] {
            assert!(parse("session", body, 1, NOW, 0.0).is_empty(), "{}", String::from_utf8_lossy(body));
        }
    }
}
