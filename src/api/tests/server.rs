//! A tiny scripted Sentry look-alike on 127.0.0.1:0 for the HTTP tests (real sockets, no mocks).
//!
//! Contract: every request is recorded (method, path+query, Authorization header, body); the
//! response is chosen from the path under `/api/0/organizations/acme/` (see `respond`). The
//! server task ends when the test's runtime shuts down.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use crate::api::{Client, ClientConfig, RetryPolicy};

#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub method: String,
    pub uri: String,
    pub auth: Option<String>,
    pub body: String,
}

#[derive(Default)]
pub(crate) struct Shared {
    pub requests: Mutex<Vec<Recorded>>,
    pub hits: AtomicUsize,
}

impl Shared {
    pub fn recorded(&self) -> Vec<Recorded> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    pub fn last(&self) -> Recorded {
        self.recorded().pop().expect("a request was recorded")
    }
}

pub(crate) struct TestServer {
    pub base: String,
    pub shared: Arc<Shared>,
}

impl TestServer {
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { base: format!("http://{addr}/"), shared }
    }

    /// A client with fast retries and a short request timeout.
    pub fn client(&self) -> Client {
        let cfg = ClientConfig::new(&self.base, "acme", "test-token-123")
            .request_timeout(Duration::from_millis(400))
            .connect_timeout(Duration::from_millis(400))
            .retry(RetryPolicy {
                max_retries: 2,
                base_delay: Duration::from_millis(5),
                max_delay: Duration::from_millis(20),
            });
        Client::new(cfg).expect("client")
    }
}

pub(crate) fn issue_json(id: &str, priority: Value) -> Value {
    json!({"id": id, "shortId": format!("APP-{id}"), "title": format!("Error {id}"), "count": "3",
           "userCount": 1, "status": "unresolved", "substatus": "ongoing", "priority": priority,
           "project": {"id": "7", "slug": "app", "name": "App"}, "lastSeen": "2026-01-03T08:12:44Z"})
}

fn reply(status: u16, headers: &[(&str, String)], body: impl Into<Body>) -> Response {
    let mut builder = Response::builder().status(status).header("content-type", "application/json");
    for (k, v) in headers {
        builder = builder.header(*k, v.as_str());
    }
    builder.body(body.into()).unwrap_or_default()
}

fn json_reply(status: u16, v: Value) -> Response {
    reply(status, &[], v.to_string())
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let method = req.method().clone();
    let uri = req.uri().to_string();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let auth = req.headers().get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = to_bytes(req.into_body(), usize::MAX).await.map(|b| String::from_utf8_lossy(&b).into_owned());
    let body = body.unwrap_or_default();
    shared.hits.fetch_add(1, Ordering::SeqCst);
    if let Ok(mut r) = shared.requests.lock() {
        r.push(Recorded { method: method.to_string(), uri, auth, body: body.clone() });
    }
    let Some(rest) = path.strip_prefix("/api/0/organizations/acme/") else {
        return json_reply(404, json!({"detail": "The requested resource does not exist"}));
    };
    respond(&method, rest, &query, &body).await
}

async fn respond(method: &Method, rest: &str, query: &str, body: &str) -> Response {
    let link = r#"<http://x/api/0/organizations/acme/issues/?cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <http://x/api/0/organizations/acme/issues/?cursor=0:2:0>; rel="next"; results="true"; cursor="0:2:0""#;
    match (method.as_str(), rest) {
        ("GET", "issues/") => reply(
            200,
            &[("link", link.to_owned()), ("x-hits", "57".to_owned())],
            json!([issue_json("1", json!("high")), issue_json("2", Value::Null)]).to_string(),
        ),
        ("GET", "issues/1/") => json_reply(200, issue_json("1", json!("low"))),
        ("PUT", "issues/1/") => {
            let mut issue = issue_json("1", json!("low"));
            if let (Some(obj), Ok(Value::Object(update))) = (issue.as_object_mut(), serde_json::from_str(body)) {
                obj.extend(update);
            }
            json_reply(200, issue)
        }
        ("PUT", "issues/") if query.contains("id=999") => reply(204, &[], ""),
        ("PUT", "issues/") => json_reply(200, serde_json::from_str(body).unwrap_or(Value::Null)),
        ("GET", "issues/401/") => json_reply(401, json!({"detail": "Invalid token"})),
        ("GET", "issues/403/") => {
            json_reply(403, json!({"detail": "You do not have permission to perform this action."}))
        }
        ("GET", "issues/404/") => json_reply(404, json!({"detail": "The requested resource does not exist"})),
        ("GET", "issues/400/") => json_reply(400, json!({"query": ["Invalid search: bad token"]})),
        ("GET", "issues/429/") => {
            let reset = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() + 30).unwrap_or(0);
            let headers = [("x-sentry-rate-limit-reset", reset.to_string()), ("x-sentry-rate-limit-limit", "40".into())];
            reply(429, &headers, json!({"detail": "You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds"}).to_string())
        }
        ("GET", "issues/429b/") => reply(429, &[("retry-after", "7".into())], ""),
        ("GET", "issues/500/") => reply(500, &[("content-type", "text/html".into())], "<h1>Internal Server Error</h1>"),
        ("GET", "issues/503/") => json_reply(503, json!({"detail": "unavailable"})),
        ("GET", "issues/badjson/") => reply(200, &[], "{\"id\": \"1\", oops"),
        ("GET", "issues/slow/") => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            json_reply(200, issue_json("1", Value::Null))
        }
        ("GET", "issues/1/tags/") => json_reply(
            200,
            json!([{"key": "browser", "name": "Browser", "totalValues": 3, "topValues": [{"key": "browser", "name": "Chrome", "value": "Chrome", "count": 2}]}]),
        ),
        ("GET", "issues/1/comments/") => reply(
            200,
            &[("link", link.to_owned())],
            json!([{"id": "11", "type": "note", "data": {"text": "first"}, "dateCreated": "2026-01-03T08:00:00Z", "user": {"id": "1", "name": "Jane"}}]).to_string(),
        ),
        ("POST", "issues/1/comments/") => {
            let text = serde_json::from_str::<Value>(body).ok().and_then(|v| v["text"].as_str().map(str::to_owned));
            json_reply(201, json!({"id": "12", "type": "note", "data": {"text": text}, "user": null}))
        }
        ("POST", "issues/503/comments/") => json_reply(503, json!({"detail": "unavailable"})),
        ("PUT", "issues/1/comments/12/") => {
            let text = serde_json::from_str::<Value>(body).ok().and_then(|v| v["text"].as_str().map(str::to_owned));
            json_reply(200, json!({"id": "12", "type": "note", "data": {"text": text}}))
        }
        ("DELETE", "issues/1/comments/12/") => reply(204, &[], ""),
        ("GET", "issues/1/activities/") => {
            json_reply(200, json!({"activity": [{"id": "1", "type": "set_resolved", "data": {}}, {"id": "2", "type": "note", "data": {"text": "x"}}]}))
        }
        _ => json_reply(StatusCode::NOT_FOUND.as_u16(), json!({"detail": "The requested resource does not exist"})),
    }
}
