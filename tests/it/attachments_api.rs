//! Attachments through the router: an event with a text and a binary attachment lists both
//! with name, type and size, each downloads byte for byte, and hostile names are kept as data
//! but never reach a download's file name.

use axum::http::StatusCode;
use serde_json::json;

use super::feedback_api::items_envelope;
use super::support::{TestApp, event_id, python_error};

#[tokio::test]
async fn attachments_are_listed_and_download_byte_for_byte() {
    let app = TestApp::new();
    let id = event_id();
    let mut event = python_error("OSError", "disk", &[("jobs/sync.py", "run", "raise OSError")]);
    event["event_id"] = json!(id);
    let text = b"line one\nline two\n".to_vec();
    let binary: Vec<u8> = (0..=255u8).chain([0, 0, 0x1b, b'[', b'2', b'J']).collect();
    let body = items_envelope(
        json!({"event_id": id}),
        &[
            ("event", event.to_string().into_bytes(), json!({})),
            ("attachment", text.clone(), json!({"filename": "sync.log", "content_type": "text/plain"})),
            (
                "attachment",
                binary.clone(),
                json!({"filename": "../../etc/\u{0}core\u{1b}.bin", "content_type": "application/octet-stream"}),
            ),
        ],
    );
    assert_eq!(app.post_envelope(body).await.status, StatusCode::OK);

    let base = format!("/api/0/projects/local/default/events/{id}/attachments/");
    let listed = app.api("GET", &base, None).await;
    assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
    let listed = listed.body.as_array().unwrap().clone();
    assert_eq!(listed.len(), 2);
    assert_eq!((listed[0]["name"].as_str(), listed[0]["mimetype"].as_str()), (Some("sync.log"), Some("text/plain")));
    assert_eq!(listed[0]["size"], text.len());
    assert_eq!(listed[1]["size"], binary.len());
    assert_eq!(listed[1]["name"], "../../etc/\u{0}core\u{1b}.bin", "the name is data, kept as sent");
    assert_eq!(listed[0]["type"], "event.attachment");

    for (entry, bytes) in listed.iter().zip([&text, &binary]) {
        let url = format!("{base}{}/?download=1", entry["id"].as_str().unwrap());
        let auth = format!("Bearer {}", app.token());
        let response = tower::ServiceExt::oneshot(
            app.router.clone(),
            axum::http::Request::get(url).header("authorization", auth).body(axum::body::Body::empty()).unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_string();
        assert!(!disposition.contains("..") && !disposition.contains('/'), "{disposition}");
        let got = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
        assert_eq!(&got[..], &bytes[..]);
    }
    let one = app.api("GET", &format!("{base}{}/", listed[0]["id"].as_str().unwrap()), None).await;
    assert_eq!(one.body["name"], "sync.log");
    assert_eq!(app.api("GET", &format!("{base}999999/"), None).await.status, StatusCode::NOT_FOUND);
    // An event sift never stored is a 404, as Sentry answers.
    let unknown =
        app.api("GET", &format!("/api/0/projects/local/default/events/{}/attachments/", event_id()), None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}
