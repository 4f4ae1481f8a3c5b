//! Source maps end to end with the real tools: esbuild (from npm, `tests/sdk/sourcemaps`)
//! bundles and minifies the shop app twice with different minified names, sentry-cli 3.8
//! injects debug ids and uploads both builds to `sift serve`, and a third build for the
//! browser by `--release` and `--url-prefix` without debug ids. The app then throws through
//! @sentry/node (both builds) and through @sentry/browser under jsdom; the stored events are
//! read back through the Web API. One server, one build pair, nothing slept.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::support::{SiftProcess, dsn_of};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sdk_dir() -> PathBuf {
    std::env::var_os("SIFT_SDK_DIR").map_or_else(|| repo().join("target/sdk-clients"), PathBuf::from)
}

fn run(command: &mut Command, what: &str) -> String {
    let output = command.output().unwrap_or_else(|err| panic!("{what}: {err}"));
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(output.status.success(), "{what} failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

fn esbuild(work: &Path, entry: &str, out: &str, extra: &[&str]) {
    let bin = sdk_dir().join("sourcemaps/node_modules/.bin/esbuild");
    let mut command = Command::new(bin);
    command
        .current_dir(work)
        .arg(entry)
        .args(["--minify", "--log-level=warning", &format!("--outfile={out}")])
        .args(extra);
    run(&mut command, &format!("esbuild {entry} {extra:?}"));
}

fn sentry_cli(server: &SiftProcess, token: &str, work: &Path, args: &[&str]) -> String {
    let mut command = Command::new(sdk_dir().join("node/node_modules/.bin/sentry-cli"));
    command
        .args(args)
        .current_dir(work)
        .env("HOME", work)
        .env("SENTRY_URL", server.url("/"))
        .env("SENTRY_AUTH_TOKEN", token)
        .env("SENTRY_ORG", "local")
        .env("SENTRY_PROJECT", "default")
        .env("SENTRY_DISABLE_UPDATE_CHECK", "true");
    run(&mut command, &format!("sentry-cli {args:?}"))
}

fn throw(work: &Path, dsn: &str, kind: &str, bundle: &str, release: Option<&str>) {
    let script = repo().join("tests/sdk/sourcemaps/throw.mjs");
    let mut command = Command::new("node");
    command
        .current_dir(work)
        .env("SIFT_DSN", dsn)
        .env("SIFT_SDK_DIR", sdk_dir())
        .env("SIFT_RELEASE", release.unwrap_or(""));
    if kind == "browser" {
        command.args(["--import", "./browser-env.mjs"]);
    }
    command.arg(script).args([kind, bundle, "vendor/legacy.min.js"]);
    if kind == "browser" {
        command.arg("http://localhost:5173/assets");
    }
    run(&mut command, &format!("throw.mjs {kind} {bundle}"));
}

fn frames<'e>(event: &'e Value, key: &str) -> &'e Vec<Value> {
    let exception = event["entries"].as_array().unwrap().iter().find(|e| e["type"] == "exception").expect("exception");
    exception["data"]["values"][0][key]["frames"].as_array().expect("frames")
}

fn line_of(frame: &Value) -> Option<&str> {
    frame["context"].as_array()?.iter().find(|c| c[0] == frame["lineNo"])?[1].as_str()
}

/// The frames of the app's own code, as the console would list them, oldest first.
fn app_frames(event: &Value) -> Vec<(String, String, u64)> {
    frames(event, "stacktrace")
        .iter()
        .filter(|f| {
            f["filename"].as_str().is_some_and(|n| n.ends_with("src/cart.js") || n.ends_with("src/checkout.js"))
        })
        .map(|f| {
            (
                f["filename"].as_str().unwrap().to_string(),
                f["function"].as_str().unwrap_or("").to_string(),
                f["lineNo"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
#[ignore = "needs esbuild, sentry-cli and the JS SDKs from tests/sdk/install.sh; .ci/run runs it"]
fn real_builds_uploaded_by_sentry_cli_read_as_their_source() {
    let work = tempfile::tempdir().expect("tempdir");
    let work = work.path();
    let data = work.join("data");
    copy_dir(&repo().join("tests/sdk/sourcemaps/src"), &work.join("src"));
    // The builds are CommonJS scripts for Node (the temp dir has no package.json of its own).
    std::fs::write(work.join("package.json"), r#"{"type": "commonjs"}"#).expect("package.json");
    std::os::unix::fs::symlink(sdk_dir().join("node/node_modules"), work.join("node_modules")).expect("link");
    std::fs::copy(repo().join("tests/sdk/node/browser-env.mjs"), work.join("browser-env.mjs")).expect("browser-env");
    esbuild(work, "src/checkout.js", "a/app.js", &["--bundle", "--sourcemap", "--format=iife"]);
    esbuild(work, "src/checkout.js", "b/app.js", &["--bundle", "--sourcemap", "--format=cjs", "--line-limit=100"]);
    esbuild(work, "src/checkout.js", "web/assets/app.js", &["--bundle", "--sourcemap", "--format=iife"]);
    esbuild(work, "src/legacy.js", "vendor/legacy.min.js", &[]);
    let (a, b) = (
        std::fs::read_to_string(work.join("a/app.js")).unwrap(),
        std::fs::read_to_string(work.join("b/app.js")).unwrap(),
    );
    assert!(
        a.contains("function u(t)") && !b.contains("function u(t)"),
        "the builds name things differently:\n{a}\n{b}"
    );

    let server = SiftProcess::start(&data);
    let token = server.cli(&["token"]).trim().to_string();
    let dsn = dsn_of(&data, "default");
    let injected = sentry_cli(&server, &token, work, &["sourcemaps", "inject", "a", "b"]);
    assert!(injected.contains("a/app.js.map") && injected.contains("b/app.js.map"), "{injected}");
    for build in ["a", "b"] {
        let out = sentry_cli(&server, &token, work, &["sourcemaps", "upload", build]);
        assert!(out.contains("File processing complete"), "{out}");
    }
    let out = sentry_cli(
        &server,
        &token,
        work,
        &["sourcemaps", "upload", "--release", "shop@1.0.0", "--url-prefix", "~/assets", "web/assets"],
    );
    assert!(out.contains("File processing complete") && out.contains("~/assets/app.js.map"), "{out}");

    throw(work, &dsn, "node", "a/app.js", None);
    throw(work, &dsn, "node", "b/app.js", None);
    throw(work, &dsn, "browser", "web/assets/app.js", Some("shop@1.0.0"));

    let issues = server.api_get(&token, "/api/0/organizations/local/issues/?query=");
    let checkout: Vec<&Value> = issues
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["title"] == "CheckoutError: line TEE-7 has quantity 0")
        .collect();
    let counts: Vec<&str> = checkout.iter().filter_map(|i| i["count"].as_str()).collect();
    assert_eq!(checkout.len(), 2, "one issue for both Node builds, one for the browser: {issues:#}");
    assert!(counts.contains(&"2") && counts.contains(&"1"), "{counts:?}");
    assert!(checkout.iter().all(|i| i["culprit"] == "priceOfLine(src/cart)"), "{checkout:#?}");

    let expected = [
        ("../src/checkout.js".to_string(), "checkout".to_string(), 10),
        ("../src/cart.js".to_string(), "basketTotal".to_string(), 20),
        ("../src/cart.js".to_string(), "?".to_string(), 21),
        ("../src/cart.js".to_string(), "priceOfLine".to_string(), 12),
    ];
    for issue in &checkout {
        let events = server.api_get(
            &token,
            &format!("/api/0/organizations/local/issues/{}/events/?full=true", issue["id"].as_str().unwrap()),
        );
        for event in events.as_array().unwrap() {
            let browser = event["platform"] == "javascript";
            let mut wanted = expected.to_vec();
            if browser {
                // The browser build went to web/assets, two levels below src.
                wanted.iter_mut().for_each(|(file, _, _)| *file = format!("../{file}"));
            }
            assert_eq!(app_frames(event), wanted, "{}", event["entries"]);
            let stack = frames(event, "stacktrace");
            let throw = stack.last().unwrap();
            assert_eq!(
                line_of(throw),
                Some("    throw new CheckoutError(`line ${line.sku} has quantity ${line.quantity}`);")
            );
            assert_eq!(throw["data"]["resolved_with"], if browser { "release" } else { "debug-id" });
            // The minified frames are kept, and differ from the original ones.
            let raw = frames(event, "rawStacktrace");
            assert!(raw.last().unwrap()["filename"].as_str().unwrap().ends_with("app.js"), "{raw:#?}");
            assert_ne!(raw.last().unwrap()["function"], "priceOfLine");
            // The vendored file has no map: minified, with the reason in the event's errors.
            let legacy = stack
                .iter()
                .find(|f| f["filename"].as_str().unwrap().ends_with("legacy.min.js"))
                .expect("vendor frame");
            assert_eq!(legacy["lineNo"], 1);
            assert!(legacy["data"].is_null());
            let url = legacy["absPath"].as_str().or(legacy["filename"].as_str()).unwrap();
            assert!(
                event["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["type"] == "js_no_source" && e["data"]["url"] == url),
                "{}",
                event["errors"]
            );
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}
