//! [`parse`] on bundles built here the way sentry-cli builds them, and on each way one can be
//! wrong.

use std::io::Write;

use super::*;

const MAP: &[u8] = include_bytes!("../../tests/fixtures/sourcemaps/a/app.js.map");
const JS: &[u8] = include_bytes!("../../tests/fixtures/sourcemaps/a/app.js");

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(b"SYSB\x02\x00\x00\x00".to_vec());
    out.set_position(8);
    let mut writer = zip::ZipWriter::new(out);
    for (name, bytes) in entries {
        writer.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn manifest(files: serde_json::Value) -> Vec<u8> {
    serde_json::json!({"files": files, "debug_id": "b2e08ffd-75ad-5218-a8aa-ea060bb5d940", "org": "local",
        "project": "default", "release": "shop@1.0.0"})
    .to_string()
    .into_bytes()
}

fn good() -> Vec<u8> {
    let manifest = manifest(serde_json::json!({
        "files/_/_/app.js": {"type": "minified_source", "url": "~/app.js",
            "headers": {"debug-id": "C67A8FEC-4538-5188-80ED-BA771178A04A", "Sourcemap": "app.js.map"}},
        "files/_/_/app.js.map": {"type": "source_map", "url": "~/app.js.map",
            "headers": {"debug-id": "c67a8fec-4538-5188-80ed-ba771178a04a"}},
    }));
    zip(&[("files/_/_/app.js", JS), ("files/_/_/app.js.map", MAP), ("manifest.json", &manifest)])
}

#[test]
fn a_sentry_cli_bundle_reads_with_its_headers() {
    let bundle = parse(&good(), &BundleLimits::default()).unwrap();
    assert_eq!(bundle.release.as_deref(), Some("shop@1.0.0"));
    assert_eq!(bundle.bundle_id.as_deref(), Some("b2e08ffd-75ad-5218-a8aa-ea060bb5d940"));
    assert_eq!(bundle.files.len(), 2);
    let js = bundle.files.iter().find(|f| f.kind == "minified_source").unwrap();
    assert_eq!(js.url.as_deref(), Some("~/app.js"));
    assert_eq!(js.debug_id.as_deref(), Some("c67a8fec-4538-5188-80ed-ba771178a04a"), "lowercased");
    assert_eq!(js.sourcemap.as_deref(), Some("app.js.map"), "headers are read case-insensitively");
    assert_eq!(js.bytes, JS);
}

fn refused(bytes: &[u8], limits: &BundleLimits) -> BundleError {
    parse(bytes, limits).map(|b| b.files.len()).unwrap_err()
}

#[test]
fn every_kind_of_bad_bundle_is_refused_with_its_reason() {
    let limits = BundleLimits::default();
    let one = |name: &str, entry: serde_json::Value, bytes: &[u8]| {
        let manifest = manifest(serde_json::json!({ name: entry }));
        zip(&[(name, bytes), ("manifest.json", &manifest)])
    };
    let map = serde_json::json!({"type": "source_map", "url": "~/app.js.map"});
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("not a zip", b"SYSB\x02\x00\x00\x00 this is text".to_vec(), "not a valid zip archive"),
        (
            "version",
            [b"SYSB\x07\x00\x00\x00".as_slice(), &good()[8..]].concat(),
            "unsupported artifact bundle version 7",
        ),
        ("no manifest", zip(&[("files/a.js", JS)]), "no readable manifest.json"),
        ("manifest text", zip(&[("manifest.json", b"{files")]), "manifest.json is not valid"),
        ("traversal", one("files/../../etc/passwd", map.clone(), MAP), "escapes the bundle"),
        ("absolute", one("/etc/passwd", map.clone(), MAP), "escapes the bundle"),
        (
            "url traversal",
            one("files/a.map", serde_json::json!({"type": "source_map", "url": "~/../../a.map"}), MAP),
            "escapes the bundle",
        ),
        (
            "type",
            one("files/a.js", serde_json::json!({"type": "binary"}), JS),
            "expected one of source, minified_source",
        ),
        (
            "debug id",
            one("files/a.js", serde_json::json!({"type": "source", "headers": {"debug-id": "nope"}}), JS),
            "invalid debug-id",
        ),
        (
            "absent",
            zip(&[("manifest.json", &manifest(serde_json::json!({"files/gone.js": {"type": "source"}})))]),
            "which the archive cannot give",
        ),
        (
            "mappings",
            one("files/a.map", map.clone(), br#"{"version":3,"sources":["a.js"],"names":[],"mappings":"!!!"}"#),
            "is not a valid source map",
        ),
        ("map json", one("files/a.map", map, b"<html>"), "is not a valid source map"),
    ];
    for (what, bytes, expected) in cases {
        match refused(&bytes, &limits) {
            BundleError::Invalid(detail) => assert!(detail.contains(expected), "{what}: {detail}"),
            other => panic!("{what}: {other:?}"),
        }
    }
}

#[test]
fn sizes_past_a_limit_are_refused_before_they_are_held() {
    let small = BundleLimits { max_bundle: 1 << 20, max_file: 4096, max_unpacked: 10_000, max_files: 8 };
    let big = vec![b'x'; 5000];
    let big_manifest = manifest(serde_json::json!({"files/big.js": {"type": "source"}}));
    let declared = zip(&[("files/big.js", &big), ("manifest.json", &big_manifest)]);
    assert!(
        matches!(refused(&declared, &small), BundleError::TooLarge(d) if d.contains("over the limit of 4096 bytes per file"))
    );

    // A bomb: the entry says it holds 100 bytes and inflates to 5000.
    let mut bomb = declared.clone();
    for signature in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
        let mut at = 0;
        while let Some(found) = bomb[at..].windows(4).position(|w| w == signature) {
            let start = at + found;
            let offset = if signature == b"PK\x03\x04" { 22 } else { 24 };
            let name_at = if signature == b"PK\x03\x04" { 30 } else { 46 };
            if bomb[start + name_at..].starts_with(b"files/big.js") {
                bomb[start + offset..start + offset + 4].copy_from_slice(&100u32.to_le_bytes());
            }
            at = start + 4;
        }
    }
    let err = refused(&bomb, &small);
    assert!(matches!(&err, BundleError::TooLarge(_) | BundleError::Invalid(_)), "{err:?}");

    let many: Vec<(String, Vec<u8>)> = (0..9).map(|i| (format!("files/{i}.js"), vec![b'y'; 10])).collect();
    let entries: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    assert!(matches!(refused(&zip(&entries), &small), BundleError::TooLarge(d) if d.contains("9 entries")));

    let files: serde_json::Map<String, serde_json::Value> =
        (0..3).map(|i| (format!("files/{i}.js"), serde_json::json!({"type": "source"}))).collect();
    let three = manifest(serde_json::Value::Object(files));
    let part = vec![b'z'; 4000];
    let total = zip(&[("files/0.js", &part), ("files/1.js", &part), ("files/2.js", &part), ("manifest.json", &three)]);
    assert!(
        matches!(refused(&total, &small), BundleError::TooLarge(d) if d.contains("inflate past the limit of 10000"))
    );

    let whole = BundleLimits { max_bundle: 100, ..small };
    assert!(matches!(refused(&good(), &whole), BundleError::TooLarge(d) if d.contains("over the limit of 100 bytes")));
}
