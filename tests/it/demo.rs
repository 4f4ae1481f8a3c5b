//! The demo data set through the real server: three projects, at least forty issues and
//! thousands of events over fourteen days, with regressed, escalating, new, resolved and
//! archived issues among them; loading it again adds nothing.

use serde_json::Value;
use sift::store::{self, projects};

use super::support::SiftProcess;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_loads_once_through_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = SiftProcess::start(dir.path());
    let base = format!("http://{}", server.addr);
    let db = dir.path().join("sift.db");
    let mut conn = store::open_admin(&db).unwrap();
    let loaded = sift::demo::load(&mut conn, &base).await.unwrap();
    assert_eq!(loaded.projects, 3);
    assert!(loaded.issues >= 40, "{loaded:?}");
    assert!(loaded.events >= 2_000, "{loaded:?}");
    assert!(sift::demo::loaded(&conn).unwrap());
    // `sift demo --help` and the README say the same counts, and they are the loaded ones.
    let said = format!("{} issues and about {} events", loaded.issues, thousands_rounded(loaded.events));
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_sift")).args(["demo", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(help.contains(&said), "sift demo --help does not say {said:?}: {help}");
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(readme.contains(&said), "the README does not say {said:?}");

    let token = projects::api_token(&conn).unwrap().unwrap();
    let http = reqwest::Client::new();
    let get = |path: String| {
        let request = http.get(format!("{base}{path}")).bearer_auth(&token);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let slugs: Vec<String> = get("/api/0/organizations/local/projects/".into())
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap().to_string())
        .collect();
    for slug in ["shop-backend", "shop-api", "ledger-worker"] {
        assert!(slugs.iter().any(|s| s == slug), "{slugs:?}");
    }
    let count = |query: &'static str| {
        let get = &get;
        async move {
            let path = format!("/api/0/organizations/local/issues/?query={query}&limit=100");
            get(path).await.as_array().unwrap().len()
        }
    };
    assert!(count("").await >= 40);
    for (query, at_least) in [
        ("is:regressed", 3),
        ("is:escalating", 2),
        ("is:new", 5),
        ("is:resolved", 3),
        ("is:archived", 2),
        ("is:ongoing", 10),
        ("is:assigned", 2),
    ] {
        let n = count(query).await;
        assert!(n >= at_least, "{query}: {n} issues");
    }
    // Events span two weeks and reach the last minutes.
    let issues = get("/api/0/organizations/local/issues/?query=&sort=date&limit=100".to_string()).await;
    let times: Vec<chrono::DateTime<chrono::Utc>> = issues
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| [&i["firstSeen"], &i["lastSeen"]])
        .map(|t| t.as_str().unwrap().parse().unwrap())
        .collect();
    let now = chrono::Utc::now();
    assert!(times.iter().any(|t| now - *t > chrono::Duration::days(12)), "two weeks back");
    assert!(times.iter().any(|t| now - *t < chrono::Duration::hours(1)), "up to now");

    // Each issue's first-seen activity is its first event's time, and every breadcrumb lies in
    // the day before its event.
    for issue in issues.as_array().unwrap() {
        let (id, short_id) = (issue["id"].as_str().unwrap(), issue["shortId"].as_str().unwrap());
        let first_seen = time(&issue["firstSeen"]);
        let activity = get(format!("/api/0/organizations/local/issues/{id}/activities/")).await;
        let first = activity.as_array().unwrap().iter().find(|a| a["type"] == "first_seen");
        let first = first.unwrap_or_else(|| panic!("{short_id} has no first_seen activity: {activity}"));
        assert_eq!(time(&first["dateCreated"]), first_seen, "{short_id}: first-seen activity");
        // Every entry is dated as the story happened, not when the load sent it: within the
        // issue's first and last sighting, in the order it was recorded. An issue that went
        // quiet before the triage round (30 hours ago) was triaged when it did, so its triage
        // and comments may follow its last event, by two hours at most.
        let last_seen = time(&issue["lastSeen"]);
        let quiet_before_triage = now - last_seen > chrono::Duration::hours(30);
        let mut entries: Vec<(i64, chrono::DateTime<chrono::Utc>, &str)> = activity
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["id"].as_str().unwrap().parse().unwrap(), time(&a["dateCreated"]), a["type"].as_str().unwrap()))
            .collect();
        entries.sort();
        for (_, at, kind) in &entries {
            let latest = if quiet_before_triage { last_seen + chrono::Duration::hours(2) } else { last_seen };
            assert!(
                first_seen <= *at && *at <= latest,
                "{short_id}: {kind} at {at}, outside its sightings {first_seen} – {last_seen}: {activity}"
            );
        }
        let dates: Vec<_> = entries.iter().map(|(_, at, _)| *at).collect();
        assert!(dates.is_sorted(), "{short_id}: entries out of the order they happened in: {activity}");
        let oldest = get(format!("/api/0/organizations/local/issues/{id}/events/oldest/")).await;
        assert_eq!(time(&oldest["dateCreated"]), first_seen, "{short_id}: the first event");
        let mut cursor = String::new();
        loop {
            let url = format!("{base}/api/0/organizations/local/issues/{id}/events/?full=true&limit=100{cursor}");
            let response = http.get(url).bearer_auth(&token).send().await.unwrap();
            let next = response.headers().get_all("link").iter().find_map(next_cursor);
            for event in response.json::<Value>().await.unwrap().as_array().unwrap() {
                let at = time(&event["dateCreated"]);
                let crumbs = event["entries"].as_array().unwrap().iter().filter(|e| e["type"] == "breadcrumbs");
                for crumb in crumbs.flat_map(|e| e["data"]["values"].as_array().unwrap()) {
                    let before = at - time(&crumb["timestamp"]);
                    assert!(
                        before >= chrono::Duration::zero() && before <= chrono::Duration::days(1),
                        "{short_id} event {}: a breadcrumb {before} before it",
                        event["eventID"]
                    );
                }
            }
            match next {
                Some(next) => cursor = format!("&cursor={next}"),
                None => break,
            }
        }
    }

    let events_before: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap();
    let again = sift::demo::load(&mut conn, &base).await.unwrap();
    assert_eq!(again, sift::demo::Loaded::default(), "a second load does nothing");
    // Even without the record, the same events are not stored twice.
    conn.execute("DELETE FROM meta WHERE key = ?1", [sift::demo::META_DEMO]).unwrap();
    let events_after_reload = {
        sift::demo::load(&mut conn, &base).await.unwrap();
        conn.query_row("SELECT count(*) FROM events", [], |r| r.get::<_, i64>(0)).unwrap()
    };
    assert_eq!(events_after_reload, events_before, "event ids are stable, so nothing is duplicated");
    drop(server);
}

fn time(value: &Value) -> chrono::DateTime<chrono::Utc> {
    value.as_str().unwrap_or_else(|| panic!("not a time: {value}")).parse().unwrap()
}

/// The cursor of a `Link` header's next page, when it has results.
fn next_cursor(link: &reqwest::header::HeaderValue) -> Option<String> {
    link.to_str().ok()?.split(',').find_map(|part| {
        let part = part.trim();
        (part.contains("rel=\"next\"") && part.contains("results=\"true\"")).then(|| {
            let start = part.find("cursor=\"")? + 8;
            Some(part[start..].split('"').next()?.to_string())
        })?
    })
}

/// `4,914` as said in prose: `4,900`.
fn thousands_rounded(n: usize) -> String {
    let hundreds = (n + 50) / 100 * 100;
    format!("{},{:03}", hundreds / 1000, hundreds % 1000)
}
