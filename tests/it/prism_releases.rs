//! Contract suite for the releases calls the console (releases screen), `sift releases` and
//! `sift report` make, validated by Stoplight Prism against Sentry's published schema; and the
//! decoding of Prism's example and random releases and deploys.
//!
//! Ignored by default (needs `tests/prism/install.sh`); `.ci/run` runs it. Sentry's schema does
//! not list the release list's `health`, `summaryStatsPeriod` and `healthStatsPeriod`
//! parameters (Sentry's own web app sends them); Prism accepts parameters it does not list.

use super::prism_harness::Prism;
use sift::api::{Client, ClientConfig, Error, ReleaseListParams, RetryPolicy};

const ORG: &str = "the-interstellar-jurisdiction";

fn client(prism: &Prism, dynamic: bool) -> Client {
    let mut cfg = ClientConfig::new(&prism.base_url, ORG, "prism-test-token").retry(RetryPolicy::none());
    if dynamic {
        cfg = cfg.header("Prefer", "dynamic=true");
    }
    Client::new(cfg).unwrap_or_else(|e| panic!("client: {e}"))
}

#[track_caller]
fn ok<T>(what: &str, r: Result<T, Error>) -> T {
    r.unwrap_or_else(|e| panic!("{what}: Prism rejected or failed the call: {e}\n  ({e:?})"))
}

#[tokio::test]
#[ignore = "needs Prism from tests/prism/install.sh; .ci/run runs it"]
async fn prism_accepts_every_release_call() {
    let prism = Prism::start().await;
    let c = client(&prism, false);
    // The releases screen: one project, an environment, health, a page, the next page.
    let screen = ReleaseListParams {
        projects: vec![2],
        environments: vec!["production".into()],
        per_page: Some(50),
        health: true,
        health_stats_period: Some("24h".into()),
        ..ReleaseListParams::default()
    };
    let page = ok("release list", c.list_releases(&screen).await);
    let first = &page.items[0];
    assert_eq!((first.version.as_str(), first.display_version()), ("frontend@1.0.0", "frontend@1.0.0"));
    assert_eq!(first.projects[0].slug, "sentry");
    assert_eq!(first.projects[0].event_count, None, "Sentry sends no event counts");
    let next = ReleaseListParams { cursor: Some("0:50:0".into()), ..screen.clone() };
    ok("release list, next page", c.list_releases(&next).await);
    // `sift releases list --query` and `sift report`'s newest release.
    let cli =
        ReleaseListParams { query: Some("frontend".into()), per_page: Some(100), health: true, ..Default::default() };
    ok("release list by version text", c.list_releases(&cli).await);
    let report = ReleaseListParams { projects: vec![7], per_page: Some(1), ..Default::default() };
    ok("newest release", c.list_releases(&report).await);
    // `sift releases show`.
    ok("release detail", c.release("frontend@1.0.0").await);
    ok("release deploys", c.release_deploys("frontend@1.0.0").await);

    let forced = Client::new(
        ClientConfig::new(&prism.base_url, ORG, "prism-test-token")
            .retry(RetryPolicy::none())
            .header("Prefer", "code=404"),
    )
    .unwrap();
    assert!(matches!(forced.list_releases(&screen).await, Err(Error::NotFound { .. })));

    // Random releases and deploys decode.
    let dynamic = client(&prism, true);
    for _ in 0..6 {
        ok("dyn release list", dynamic.list_releases(&screen).await);
        ok("dyn release", dynamic.release("x").await);
        ok("dyn deploys", dynamic.release_deploys("x").await);
    }
}
