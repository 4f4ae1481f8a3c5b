//! One demo event: when it happened (by its issue's shape), and the recorded SDK event made into
//! it (its own id, time, user, environment, release, breadcrumb times and crashing frame).

use serde_json::{Value, json};

use super::data::{Comeback, DAY, Faded, Fresh, Project, Shape, Spec, Spike, Steady, USERS};

/// A number in 0..1 that depends only on `seed` (a stable spread, not randomness).
pub(super) fn unit(seed: u64) -> f64 {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(0x2545_f491_4f6c_dd1d);
    x ^= x >> 31;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 29;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// When the `n`th of `count` events of an issue shaped `shape` happened, in seconds before now.
pub(super) fn age(shape: Shape, n: u32, count: u32, seed: u64) -> f64 {
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
pub(super) fn event(project: &Project, template: &Value, spec: &Spec, index: usize, n: u32, at: f64) -> Value {
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
    // SDKs send breadcrumbs as `{"values": [...]}` (Python, Rust) or as a bare list (Node).
    let crumbs = match object.get_mut("breadcrumbs") {
        Some(Value::Object(crumbs)) => crumbs.get_mut("values").and_then(Value::as_array_mut),
        Some(Value::Array(crumbs)) => Some(crumbs),
        _ => None,
    };
    if let Some(crumbs) = crumbs {
        for crumb in crumbs.iter_mut() {
            if let Some(t) = crumb.get("timestamp").and_then(crate::ingest::normalize::time::parse) {
                crumb["timestamp"] = json!(t + shift);
            }
        }
    }
    if spec.kind.is_empty() {
        // A message event (logged, not raised).
        object.insert("message".into(), json!(spec.value));
        object.remove("logentry");
        // The stack the SDK attached is the logging thread's: its last app frame logged it.
        for thread in object
            .get_mut("threads")
            .and_then(|t| t.get_mut("values"))
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(frames) =
                thread.get_mut("stacktrace").and_then(|s| s.get_mut("frames")).and_then(Value::as_array_mut)
            {
                crash_frame(frames, spec, n);
            }
        }
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
    // The recorded lines around it belong to the template's function, not this one.
    if let Some(frame) = frame.as_object_mut() {
        frame.remove("pre_context");
        frame.remove("post_context");
    }
    frame["in_app"] = json!(true);
    if frame.get("vars").is_some_and(Value::is_object) {
        frame["vars"]["attempt"] = json!(n % 3 + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::super::data::TRIAGE_HOURS;
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
}
