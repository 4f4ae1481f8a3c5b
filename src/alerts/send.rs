//! One delivery attempt over the wire: an HTTP POST (Slack, webhooks) or an email over SMTP
//! (lettre), each bounded by the attempt's time limit. The answer is sorted into "worth a
//! retry" (no connection, a timeout, 408, 429, 5xx, a transient SMTP reply), with the wait the
//! receiver asked for in `Retry-After`, or "permanent" (any other 4xx, a redirect, a permanent
//! SMTP reply). Error texts never carry the URL, which is a secret.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::config::{Security, SmtpConfig};
use super::message::{Notice, email_html, email_subject, email_text};
use crate::profiles::Secret;

/// Why an attempt failed.
#[derive(Debug, Clone, PartialEq)]
pub enum SendError {
    /// Try again later (after `after`, when the receiver said).
    Retry { error: String, after: Option<Duration> },
    /// Trying again will not help.
    Permanent(String),
}

/// The HTTP client deliveries use: no redirects (a POST must not become a GET elsewhere).
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, String> {
    crate::api::tls::http_client()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeout)
        .timeout(timeout)
        .user_agent(concat!("sift-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// The innermost cause of an error, without the URL reqwest puts in its own message.
fn cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut last = err;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

/// POSTs `body` as JSON to `url` with `headers`.
pub async fn post(
    http: &reqwest::Client,
    url: &Secret,
    body: Vec<u8>,
    headers: &[(&'static str, String)],
    timeout: Duration,
) -> Result<(), SendError> {
    let mut request = http.post(url.expose()).header("content-type", "application/json").body(body);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = match tokio::time::timeout(timeout, request.send()).await {
        Err(_) => return Err(retry(format!("no answer within {}s", timeout.as_secs()))),
        Ok(Err(err)) if err.is_timeout() => return Err(retry(format!("no answer within {}s", timeout.as_secs()))),
        Ok(Err(err)) if err.is_connect() => return Err(retry(format!("could not connect: {}", cause(&err)))),
        Ok(Err(err)) => return Err(retry(format!("the request failed: {}", cause(&err)))),
        Ok(Ok(response)) => response,
    };
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let after = retry_after(response.headers());
    let text = match tokio::time::timeout(timeout, response.text()).await {
        Ok(Ok(text)) => text.chars().filter(|c| !c.is_control()).take(200).collect::<String>(),
        _ => String::new(),
    };
    let error = if text.trim().is_empty() {
        format!("HTTP {}", status.as_u16())
    } else {
        format!("HTTP {}: {}", status.as_u16(), text.trim())
    };
    if status.as_u16() == 408 || status.as_u16() == 429 || status.is_server_error() {
        Err(SendError::Retry { error, after })
    } else if status.is_redirection() {
        Err(SendError::Permanent(format!("{error} (a redirect: point the action at the final URL)")))
    } else {
        Err(SendError::Permanent(error))
    }
}

fn retry(error: String) -> SendError {
    SendError::Retry { error, after: None }
}

/// `Retry-After` in seconds or as an HTTP date.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.signed_duration_since(crate::clock::now()).num_seconds().max(0);
    Some(Duration::from_secs(wait as u64))
}

/// An SMTP transport for `smtp`, each attempt bounded by `timeout`.
pub fn smtp_transport(smtp: &SmtpConfig, timeout: Duration) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let builder = match smtp.security {
        Security::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host),
        Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host),
        Security::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)),
    }
    .map_err(|e| format!("[alerts.smtp] cannot use host {:?}: {e}", smtp.host))?;
    let mut builder = builder.port(smtp.port()).timeout(Some(timeout));
    if let (Some(user), Some(password)) = (&smtp.username, smtp.password()) {
        builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_string()));
    }
    Ok(builder.build())
}

/// Builds the email for `notice` (plain text and HTML, the firing's key as its Message-ID).
pub fn email(from: &str, to: &[String], notice: &Notice) -> Result<Message, SendError> {
    let from: Mailbox = from.parse().map_err(|e| SendError::Permanent(format!("[alerts.smtp] from: {e}")))?;
    let mut builder =
        Message::builder().from(from).subject(email_subject(notice)).message_id(Some(format!("<{}@sift>", notice.key)));
    for address in to {
        let mailbox: Mailbox =
            address.parse().map_err(|e| SendError::Permanent(format!("{address:?} is not an address: {e}")))?;
        builder = builder.to(mailbox);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(email_text(notice), email_html(notice)))
        .map_err(|e| SendError::Permanent(format!("cannot build the email: {e}")))
}

/// Sends `message` through `transport`.
pub async fn send_email(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    message: Message,
    timeout: Duration,
) -> Result<(), SendError> {
    match tokio::time::timeout(timeout, transport.send(message)).await {
        Err(_) => Err(retry(format!("the SMTP server did not answer within {}s", timeout.as_secs()))),
        Ok(Ok(_)) => Ok(()),
        Ok(Err(err)) if err.is_permanent() => Err(SendError::Permanent(format!("SMTP: {err}"))),
        Ok(Err(err)) => Err(retry(format!("SMTP: {err}"))),
    }
}
