//! One frame through its source map, as Symbolicator does it: the token at the frame's
//! 1-based `lineno`/`colno` (looked up 0-based) gives the original file, line and column; the
//! function comes from the caller's token (the name at the call site in the older frame names
//! the function called), else from the map's guess over the minified source, else stays the
//! minified name; context lines come from `sourcesContent`, five each side. The rewritten frame
//! carries `data.sourcemap`, `data.resolved_with` and `data.symbolicated`, which grouping reads
//! (a source-mapped JavaScript frame groups by its context line, not its function).

use std::borrow::Cow;

use super::{Found, MappedFile, Query, SourceMaps, urls};
use crate::ingest::tree::{Map, Value, first_chars};

/// Context lines each side of the frame's line.
const CONTEXT_LINES: u32 = 5;
/// Longest context line kept, in characters (minified neighbours can be megabytes long).
const MAX_LINE_CHARS: usize = 300;

/// What every frame of one event shares.
pub(super) struct Ctx<'c> {
    pub project_id: i64,
    pub release: Option<&'c str>,
    pub dist: Option<&'c str>,
    pub images: &'c [(String, String)],
    pub platform: &'c str,
    pub maps: &'c dyn SourceMaps,
}

pub(super) enum Outcome {
    /// Not a frame a source map could serve (no path or line, Node internals, dependencies).
    Skipped,
    /// Rewritten; the token's name is the next (newer) frame's function. A map without
    /// `sourcesContent` leaves the frame without context lines and says so.
    Mapped { token_name: Option<String>, notice: Option<Value<'static>> },
    /// Left as it was, with Sentry's notice for the event's `errors`.
    Failed(Value<'static>),
}

/// The frame's path and 1-based position, when it is a frame to look up.
fn position(frame: &Value<'_>, event_platform: &str) -> Option<(String, u32, u32)> {
    let platform = frame.get("platform").and_then(Value::as_str).unwrap_or(event_platform);
    if !matches!(platform, "javascript" | "node") {
        return None;
    }
    let abs_path = frame.get("abs_path").and_then(Value::as_str).or_else(|| frame.get("filename")?.as_str())?;
    let abs_path = abs_path.trim();
    let internal = abs_path.is_empty()
        || abs_path.starts_with("node:")
        || abs_path.contains("/node_modules/")
        || matches!(abs_path, "native" | "[native code]" | "<anonymous>" | "eval code");
    let line = frame.get("lineno").and_then(Value::as_f64).filter(|l| *l >= 1.0 && *l <= f64::from(u32::MAX))?;
    let column = frame.get("colno").and_then(Value::as_f64).filter(|c| *c >= 0.0 && *c <= f64::from(u32::MAX));
    (!internal).then(|| (abs_path.to_string(), line as u32, column.unwrap_or(0.0) as u32))
}

fn notice(kind: &str, url: &str) -> Value<'static> {
    let mut map = Map::new();
    map.insert("type", Value::from(kind.to_string()));
    map.insert("url", Value::from(url.to_string()));
    Value::Object(map)
}

pub(super) fn symbolicate_frame(frame: &mut Value<'_>, ctx: &Ctx<'_>, caller: Option<String>) -> Outcome {
    let Some((abs_path, line, column)) = position(frame, ctx.platform) else { return Outcome::Skipped };
    let stripped = abs_path.strip_prefix("async ").unwrap_or(&abs_path);
    let debug_id =
        ctx.images.iter().find(|(code_file, _)| code_file == &abs_path || code_file == stripped).map(|(_, id)| id);
    let query = Query {
        project_id: ctx.project_id,
        abs_path: &abs_path,
        debug_id: debug_id.map(String::as_str),
        release: ctx.release,
        dist: ctx.dist,
    };
    let mapped = match ctx.maps.find(&query) {
        Found::Map(mapped) => mapped,
        Found::Missing => return Outcome::Failed(notice("js_no_source", &abs_path)),
        Found::Malformed { url } => return Outcome::Failed(notice("js_invalid_source", &url)),
    };
    match rewrite(frame, &mapped, line, column, caller) {
        Some(outcome) => outcome,
        None => {
            let Value::Object(mut located) = notice("js_invalid_sourcemap_location", &abs_path) else {
                return Outcome::Skipped;
            };
            located.insert("row", Value::from(u64::from(line)));
            located.insert("column", Value::from(u64::from(column)));
            Outcome::Failed(Value::Object(located))
        }
    }
}

/// Rewrites the frame from the token at its position; `None` when the map has no token there.
fn rewrite(
    frame: &mut Value<'_>,
    mapped: &MappedFile,
    line: u32,
    column: u32,
    caller: Option<String>,
) -> Option<Outcome> {
    let (dst_line, dst_col) = (line - 1, column.saturating_sub(1));
    let token = mapped.map.lookup_token(dst_line, dst_col)?;
    if token.get_src_line() == u32::MAX || !token.has_source() {
        return None;
    }
    let source = token.get_source().unwrap_or_default();
    let (src_line, src_col) = (token.get_src_line(), token.get_src_col());
    let minified_name = frame.get("function").and_then(Value::as_str).map(str::to_owned);
    let guessed = || {
        let view = mapped.minified.as_ref()?;
        let name = minified_name.as_deref()?;
        let short = name.rsplit('.').next().unwrap_or(name);
        mapped.map.get_original_function_name(dst_line, dst_col, short, view).map(str::to_owned)
    };
    let function = caller.filter(|name| !name.is_empty()).or_else(guessed).or_else(|| minified_name.clone());
    let context = token.get_source_view().map(|view| context_lines(view, src_line));
    let token_name = token.get_name().map(str::to_owned);
    let filename = urls::display_filename(source);
    let abs_path = urls::join(&mapped.url, source);
    let module = urls::module_name(&filename);

    let notice = context.is_none().then(|| notice("js_missing_sources_content", &mapped.url));
    let object = frame.as_object_mut()?;
    object.insert("filename", Value::from(filename));
    object.insert("abs_path", Value::from(abs_path));
    match module {
        Some(module) => object.insert("module", Value::from(module)),
        None => object.remove("module"),
    };
    object.insert("lineno", Value::from(u64::from(src_line) + 1));
    object.insert("colno", Value::from(u64::from(src_col) + 1));
    if let Some(function) = function {
        object.insert("function", Value::from(function));
    }
    if source.contains("/node_modules/") {
        object.insert("in_app", Value::Bool(false));
    }
    for key in ["pre_context", "context_line", "post_context"] {
        object.remove(key);
    }
    if let Some((pre, current, post)) = context {
        object.insert("pre_context", Value::Array(pre));
        if let Some(current) = current {
            object.insert("context_line", current);
        }
        object.insert("post_context", Value::Array(post));
    }
    let data = object.get_or_insert_with("data", || Value::Object(Map::new()));
    if !data.is_object() {
        *data = Value::Object(Map::new());
    }
    if let Some(data) = data.as_object_mut() {
        data.insert("sourcemap", Value::from(mapped.url.clone()));
        data.insert("resolved_with", Value::from(mapped.resolved_with));
        data.insert("symbolicated", Value::Bool(true));
    }
    Some(Outcome::Mapped { token_name, notice })
}

type Context = (Vec<Value<'static>>, Option<Value<'static>>, Vec<Value<'static>>);

/// Five lines before, the line, five after, from the source's content.
fn context_lines(view: &sourcemap::SourceView, line: u32) -> Context {
    let text =
        |at: u32| view.get_line(at).map(|l| Value::String(Cow::Owned(first_chars(l, MAX_LINE_CHARS).to_string())));
    let pre = (line.saturating_sub(CONTEXT_LINES)..line).filter_map(text).collect();
    let post = (line + 1..=line.saturating_add(CONTEXT_LINES)).filter_map(text).collect();
    (pre, text(line), post)
}
