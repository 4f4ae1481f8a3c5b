//! Frame and stack-trace components (PROTOCOL E.3) and the "crash frame" of an event.
//!
//! Contract: [`stack_components`] turns a list of frames (oldest first) into the components
//! that a stack trace contributes to each variant ([`StackComponents`]): each contributing
//! frame emits a `frame` marker followed by its `module` or `filename`, `function` and
//! (python/javascript/node/php/ruby) `context` components. Frames of the SDK or runtime
//! ([`super::cleanup::is_runtime_symbol`]), recursion duplicates and platform-ignored frames
//! never contribute; the app variant also skips frames whose `in_app` is not `true`. An empty
//! list means "the stack does not contribute" to that variant. [`crash_frame`] picks the frame
//! used for culprits and fingerprint variables.

use crate::ingest::tree::Value;

use super::access::{in_app, non_empty, primary_frames, str_of};
use super::cleanup::{
    Platform, clean_context_line, clean_filename, clean_function, clean_module, is_runtime_symbol, is_url,
};
use super::hash::{Component, comp};

/// The components a stack trace contributes to each variant: `app` hashes only contributing
/// frames with `in_app: true`, `system` every contributing frame. Both come from one pass, so
/// each frame is cleaned once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct StackComponents {
    pub(super) app: Vec<Component>,
    pub(super) system: Vec<Component>,
}

/// Platform of one frame: its own `platform`, else the event's.
pub(super) fn frame_platform(frame: &Value, event_platform: &str) -> Platform {
    Platform::parse(non_empty(frame, "platform").unwrap_or(event_platform))
}

/// The path a frame came from: `abs_path`, else `filename`.
fn origin<'e>(frame: &'e Value<'e>) -> Option<&'e str> {
    non_empty(frame, "abs_path").or_else(|| non_empty(frame, "filename"))
}

/// True for frames of the SDK / runtime, which never contribute in any variant.
pub(super) fn is_runtime_frame(frame: &Value, platform: Platform) -> bool {
    ["function", "raw_function", "module"]
        .iter()
        .filter_map(|k| str_of(frame, k))
        .any(|name| is_runtime_symbol(name, platform))
}

/// Whole-frame exclusions: runtime frames and JavaScript eval/native-code frames.
fn is_ignored_frame(frame: &Value, platform: Platform) -> bool {
    if is_runtime_frame(frame, platform) {
        return true;
    }
    platform == Platform::JavaScript
        && (str_of(frame, "function").map(str::trim) == Some("eval")
            || non_empty(frame, "abs_path")
                .is_some_and(|p| matches!(p.trim(), "[native code]" | "native code" | "eval code" | "<anonymous>")))
}

/// The raw function name, honouring C#'s preference for `raw_function`.
fn raw_function<'e>(frame: &'e Value<'e>, platform: Platform) -> Option<&'e str> {
    let (first, second) =
        if platform == Platform::CSharp { ("raw_function", "function") } else { ("function", "raw_function") };
    non_empty(frame, first).or_else(|| non_empty(frame, second))
}

/// The components one frame contributes (without the `frame` marker); empty when none.
pub(super) fn frame_components(frame: &Value, platform: Platform) -> Vec<Component> {
    let abs_path = non_empty(frame, "abs_path");
    let from_url = origin(frame).is_some_and(|p| is_url(p, platform));
    let module = non_empty(frame, "module").and_then(|m| clean_module(m, abs_path, platform));
    let mut function = raw_function(frame, platform).and_then(|f| clean_function(f, platform));
    let context =
        if platform.uses_context_line() { str_of(frame, "context_line").and_then(clean_context_line) } else { None };
    if platform == Platform::JavaScript {
        let source_mapped = frame.get("data").and_then(|d| d.get("sourcemap")).is_some_and(|s| !s.is_null());
        if source_mapped && context.is_some() {
            function = None;
        }
    }
    let context = context.filter(|_| !(platform == Platform::JavaScript && from_url && function.is_none()));
    let filename = match (&module, &function) {
        (Some(_), _) => None,
        (None, Some(_)) if platform == Platform::Native => None,
        _ => non_empty(frame, "filename").or(abs_path).and_then(|f| clean_filename(f, abs_path, platform)),
    };
    let mut out = Vec::new();
    out.extend(module.map(|m| comp("module", m)));
    out.extend(filename.map(|f| comp("filename", f)));
    out.extend(function.map(|f| comp("function", f)));
    out.extend(context.map(|c| comp("context", c)));
    out
}

/// Recursion check: equal on every identifying field of the previous frame. The fields that
/// differ most between neighbouring frames come first, so most checks stop after one or two.
fn same_frame(a: &Value, b: &Value) -> bool {
    ["lineno", "function", "colno", "module", "filename", "abs_path", "package"].iter().all(|k| a.get(k) == b.get(k))
}

/// A one-frame JavaScript stack whose frame has no function and comes from a URL.
fn is_useless_js_stack(frames: &[&Value], event_platform: &str) -> bool {
    match frames {
        [only] => {
            let p = frame_platform(only, event_platform);
            p == Platform::JavaScript
                && non_empty(only, "function").is_none()
                && origin(only).is_some_and(|o| is_url(o, p))
        }
        _ => false,
    }
}

/// Components of a whole stack trace for both variants; a variant's list is empty when the
/// stack does not contribute to it.
pub(super) fn stack_components(frames: &[&Value], event_platform: &str) -> StackComponents {
    let mut out = StackComponents::default();
    if is_useless_js_stack(frames, event_platform) {
        return out;
    }
    let mut prev: Option<&Value> = None;
    for &frame in frames {
        let recursion = prev.is_some_and(|p| same_frame(p, frame));
        prev = Some(frame);
        if recursion {
            continue;
        }
        let platform = frame_platform(frame, event_platform);
        if is_ignored_frame(frame, platform) {
            continue;
        }
        let parts = frame_components(frame, platform);
        if parts.is_empty() {
            continue;
        }
        if in_app(frame) {
            out.app.push(comp("frame", ""));
            out.app.extend(parts.iter().cloned());
        }
        out.system.push(comp("frame", ""));
        out.system.extend(parts);
    }
    out
}

/// The frame an event is attributed to: in its primary stack (last exception, else the
/// standalone stack), the most recent in-app non-runtime frame, else the most recent
/// non-runtime frame, else the most recent frame.
pub(super) fn crash_frame<'e>(event: &'e Value<'e>, event_platform: &str) -> Option<&'e Value<'e>> {
    let frames = primary_frames(event);
    let not_runtime = |f: &&&Value| !is_runtime_frame(f, frame_platform(f, event_platform));
    frames
        .iter()
        .rev()
        .filter(not_runtime)
        .find(|f| in_app(f))
        .or_else(|| frames.iter().rev().find(not_runtime))
        .or(frames.last())
        .copied()
}

#[cfg(test)]
#[path = "frames_tests.rs"]
mod tests;
