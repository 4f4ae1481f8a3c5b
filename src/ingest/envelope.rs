//! The envelope format (develop docs, "Envelopes"): a JSON header line, then items, each a JSON
//! header line and a payload. With a `length` the payload is exactly that many bytes followed
//! by a newline or the end; without one it runs to the next newline. Parsing borrows from the
//! body and never copies payloads. Errors name the item and the byte offset.

use serde_json::{Map, Value};

use super::error::IngestError;

/// A parsed envelope borrowing from the request body.
#[derive(Debug)]
pub struct Envelope<'a> {
    pub header: Map<String, Value>,
    pub items: Vec<Item<'a>>,
}

/// One envelope item.
#[derive(Debug)]
pub struct Item<'a> {
    pub header: Map<String, Value>,
    pub payload: &'a [u8],
}

impl Item<'_> {
    /// The item type (`event`, `transaction`, `attachment`, ...).
    pub fn kind(&self) -> &str {
        self.header.get("type").and_then(Value::as_str).unwrap_or("")
    }
}

impl Envelope<'_> {
    /// The envelope header's `event_id`, normalized to 32 lowercase hex characters.
    pub fn event_id(&self) -> Result<Option<String>, IngestError> {
        match self.header.get("event_id") {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(id)) => normalize_event_id(id).map(Some).ok_or_else(|| {
                IngestError::bad(format!("envelope header: invalid event_id {id:?}: expected 32 hex digits or a UUID"))
            }),
            Some(other) => Err(IngestError::bad(format!("envelope header: event_id must be a string, got {other}"))),
        }
    }

    /// The envelope header's `dsn`, used for authentication when the request carries none.
    pub fn dsn(&self) -> Option<&str> {
        self.header.get("dsn").and_then(Value::as_str)
    }
}

/// Accepts 32 hex digits or a hyphenated UUID, in any case; returns 32 lowercase hex digits.
pub fn normalize_event_id(id: &str) -> Option<String> {
    let id = id.trim();
    let ok = match id.len() {
        32 => id.bytes().all(|b| b.is_ascii_hexdigit()),
        36 => id
            .bytes()
            .enumerate()
            .all(|(i, b)| if matches!(i, 8 | 13 | 18 | 23) { b == b'-' } else { b.is_ascii_hexdigit() }),
        _ => false,
    };
    ok.then(|| id.bytes().filter(|b| *b != b'-').map(|b| b.to_ascii_lowercase() as char).collect())
}

/// Parses an envelope.
pub fn parse(body: &[u8]) -> Result<Envelope<'_>, IngestError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::bad("empty envelope: the request body has no envelope header"));
    }
    let (line, mut pos) = next_line(body, 0);
    let header = parse_header(line, "envelope header", 0)?;
    let mut items = Vec::new();
    while pos < body.len() {
        let start = pos;
        let (line, after) = next_line(body, pos);
        if line.iter().all(u8::is_ascii_whitespace) {
            // Blank lines between items and trailing newlines are tolerated.
            pos = after;
            continue;
        }
        let index = items.len() + 1;
        let header = parse_header(line, &format!("item {index} header"), start)?;
        match header.get("type") {
            Some(Value::String(t)) if !t.is_empty() => {}
            _ => return Err(IngestError::bad(format!("item {index} header at byte {start}: missing \"type\""))),
        }
        let (payload, next) = match header.get("length") {
            None | Some(Value::Null) => {
                let (payload, next) = next_line(body, after);
                (payload, next)
            }
            Some(length) => {
                let length = length.as_u64().ok_or_else(|| {
                    IngestError::bad(format!(
                        "item {index} header at byte {start}: length must be a non-negative integer, got {length}"
                    ))
                })? as usize;
                let end = after.checked_add(length).filter(|end| *end <= body.len()).ok_or_else(|| {
                    IngestError::bad(format!(
                        "item {index} at byte {start}: declares length {length} but only {} bytes remain",
                        body.len().saturating_sub(after)
                    ))
                })?;
                match body.get(end) {
                    None => (&body[after..end], end),
                    Some(b'\n') => (&body[after..end], end + 1),
                    Some(_) => {
                        return Err(IngestError::bad(format!(
                            "item {index} at byte {start}: payload of length {length} is not followed by a newline (byte {end})"
                        )));
                    }
                }
            }
        };
        items.push(Item { header, payload });
        pos = next;
    }
    Ok(Envelope { header, items })
}

/// The line starting at `pos` (without its `\n`) and the position after it.
fn next_line(body: &[u8], pos: usize) -> (&[u8], usize) {
    match body[pos..].iter().position(|&b| b == b'\n') {
        Some(n) => (&body[pos..pos + n], pos + n + 1),
        None => (&body[pos..], body.len()),
    }
}

fn parse_header(line: &[u8], what: &str, offset: usize) -> Result<Map<String, Value>, IngestError> {
    match serde_json::from_slice::<Value>(line) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => {
            Err(IngestError::bad(format!("{what} at byte {offset}: expected a JSON object, got {}", kind(&other))))
        }
        Err(err) => Err(IngestError::bad(format!(
            "{what} at byte {}: invalid JSON: {err}",
            offset + err.column().saturating_sub(1)
        ))),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let body = concat!(
            "{\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\",\"dsn\":\"https://e12d836b15bb49d7bbf99e64295d995b:@sentry.io/42\"}\n",
            "{\"type\":\"attachment\",\"length\":10,\"content_type\":\"text/plain\",\"filename\":\"hello.txt\"}\n",
            "\u{ef}\u{bb}\u{bf}Hello\r\n\n",
            "{\"type\":\"event\",\"length\":41,\"content_type\":\"application/json\",\"filename\":\"application.log\"}\n",
            "{\"message\":\"hello world\",\"level\":\"error\"}\n"
        );
        // The BOM is three bytes in UTF-8 but three chars here; rebuild it as bytes.
        let body = body.replace("\u{ef}\u{bb}\u{bf}", "\u{feff}");
        let env = parse(body.as_bytes()).unwrap();
        assert_eq!(env.event_id().unwrap().as_deref(), Some("9ec79c33ec9942ab8353589fcb2e04dc"));
        assert!(env.dsn().unwrap().contains("sentry.io/42"));
        assert_eq!(env.items.len(), 2);
        assert_eq!(env.items[0].kind(), "attachment");
        assert_eq!(env.items[0].payload, "\u{feff}Hello\r\n".as_bytes());
        assert_eq!(env.items[1].kind(), "event");
        assert_eq!(env.items[1].payload, br#"{"message":"hello world","level":"error"}"#);
    }

    #[test]
    fn items_without_length_run_to_newline_or_eof() {
        let env =
            parse(b"{}\n{\"type\":\"session\"}\n{\"started\":1}\n{\"type\":\"client_report\"}\n{\"x\":2}").unwrap();
        assert_eq!(env.items.len(), 2);
        assert_eq!(env.items[0].payload, b"{\"started\":1}");
        assert_eq!(env.items[1].payload, b"{\"x\":2}");
    }

    #[test]
    fn header_only_and_trailing_newlines() {
        assert!(parse(b"{}").unwrap().items.is_empty());
        assert!(parse(b"{}\n\n\n").unwrap().items.is_empty());
        let env = parse(b"{}\n{\"type\":\"event\",\"length\":2}\n{}").unwrap();
        assert_eq!(env.items[0].payload, b"{}");
    }

    #[test]
    fn event_ids_accept_both_forms() {
        assert_eq!(
            normalize_event_id("9EC79C33-EC99-42AB-8353-589FCB2E04DC").unwrap(),
            "9ec79c33ec9942ab8353589fcb2e04dc"
        );
        assert!(normalize_event_id("9ec79c33ec9942ab8353589fcb2e04d").is_none());
        assert!(normalize_event_id("zzc79c33ec9942ab8353589fcb2e04dc").is_none());
        assert!(normalize_event_id("9ec79c33-ec9942ab-8353-589fcb2e04dc").is_none());
        let env = parse(b"{\"event_id\":\"nope\"}").unwrap();
        assert!(env.event_id().unwrap_err().to_string().contains("invalid event_id"));
    }

    #[test]
    fn errors_say_what_and_where() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "empty envelope"),
            (b"not json\n", "envelope header at byte"),
            (b"[1]\n", "expected a JSON object, got an array"),
            (b"{}\n{\"length\":2}\n{}", "item 1 header at byte 3: missing \"type\""),
            (b"{}\n{\"type\":\"event\",\"length\":50}\n{}", "declares length 50 but only 2 bytes remain"),
            (b"{}\n{\"type\":\"event\",\"length\":2}\n{}X", "not followed by a newline"),
            (b"{}\n{\"type\":\"event\",\"length\":-1}\n{}", "length must be a non-negative integer"),
            (b"{}\n{\"type\":\"event\"\n", "item 1 header at byte"),
        ];
        for (body, expected) in cases {
            let err = parse(body).unwrap_err();
            assert_eq!(err.status(), 400);
            assert!(err.to_string().contains(expected), "{:?}: {err}", String::from_utf8_lossy(body));
        }
    }
}
