//! Default grouping components (PROTOCOL E.2, E.3, E.6) for the `app` and `system` variants.
//!
//! Contract: [`default_components`] never fails. Events with exceptions contribute, per exception
//! (oldest → newest, exception-group wrappers skipped): an `exception` marker, the stack's frame
//! components (app variant: in-app frames, falling back to all frames when none contribute), or
//! `ns-error` domain/code, or else the normalized `value`; then the `type` unless
//! `mechanism.synthetic`. Events without exceptions contribute the standalone stack (top-level or
//! crashed/single thread) with the same fallback, followed by the normalized message template
//! (`""` when there is none), so different messages never merge and different call sites split.

use crate::ingest::tree::Value;

use super::access::{
    event_platform, frames, grouping_exceptions, is_true, message_template, non_empty, standalone_frames, str_of,
};
use super::frames::stack_components;
use super::hash::{Component, comp};
use super::parameterize::normalize_message;

/// Component lists of the two variants; `app` is the primary one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DefaultGrouping {
    pub(super) app: Vec<Component>,
    pub(super) system: Vec<Component>,
}

/// Stack components for both variants, with the app variant falling back to all frames.
fn stack_pair(frames: &[&Value], platform: &str) -> (Vec<Component>, Vec<Component>) {
    let stack = stack_components(frames, platform);
    let app = if stack.app.is_empty() { stack.system.clone() } else { stack.app };
    (app, stack.system)
}

/// `mechanism.meta.ns_error` as `ns-error` components (domain, code), when present.
fn ns_error(exc: &Value) -> Vec<Component> {
    let Some(ns) = exc.get("mechanism").and_then(|m| m.get("meta")).and_then(|m| m.get("ns_error")) else {
        return Vec::new();
    };
    let domain = str_of(ns, "domain").unwrap_or_default();
    let code = match ns.get("code") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.to_string(),
        _ => String::new(),
    };
    if domain.is_empty() && code.is_empty() {
        return Vec::new();
    }
    vec![comp("ns-error", domain), comp("ns-error", code)]
}

/// Components of one exception given its (already variant-filtered) stack components.
fn exception_components(exc: &Value, stack: Vec<Component>) -> Vec<Component> {
    let mut out = vec![comp("exception", "")];
    let ns = ns_error(exc);
    let no_stack = stack.is_empty();
    out.extend(stack);
    if no_stack && ns.is_empty() {
        out.push(comp("value", normalize_message(str_of(exc, "value").unwrap_or_default())));
    }
    out.extend(ns);
    let synthetic = is_true(exc.get("mechanism").and_then(|m| m.get("synthetic")));
    if !synthetic && let Some(ty) = non_empty(exc, "type") {
        out.push(comp("type", ty));
    }
    out
}

/// The default components of `event` for both variants.
pub(super) fn default_components(event: &Value) -> DefaultGrouping {
    let platform = event_platform(event);
    let excs = grouping_exceptions(event);
    let mut app = Vec::new();
    let mut system = Vec::new();
    if excs.is_empty() {
        let (app_stack, sys_stack) = stack_pair(&standalone_frames(event), platform);
        let message = comp("message", normalize_message(message_template(event).unwrap_or_default()));
        app.extend(app_stack);
        app.push(message.clone());
        system.extend(sys_stack);
        system.push(message);
    } else {
        for exc in excs {
            let (app_stack, sys_stack) = stack_pair(&frames(exc), platform);
            app.extend(exception_components(exc, app_stack));
            system.extend(exception_components(exc, sys_stack));
        }
    }
    DefaultGrouping { app, system }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::tree::tree;

    fn app(ev: &Value) -> Vec<String> {
        default_components(ev).app.iter().map(|c| format!("{}={}", c.kind, c.value)).collect()
    }

    #[test]
    fn exception_without_stack_uses_type_and_normalized_value() {
        let ev = tree!({"exception": {"values": [{"type": "KeyError", "value": "user 42"}]}});
        assert_eq!(app(&ev), ["exception=", "value=user <int>", "type=KeyError"]);
    }

    #[test]
    fn stack_replaces_value() {
        let ev = tree!({"platform": "python", "exception": {"values": [{"type": "E", "value": "v",
            "stacktrace": {"frames": [{"module": "m", "function": "f", "in_app": true}]}}]}});
        assert_eq!(app(&ev), ["exception=", "frame=", "module=m", "function=f", "type=E"]);
    }

    #[test]
    fn app_variant_falls_back_to_all_frames() {
        let ev = tree!({"platform": "python", "exception": {"values": [{"type": "E", "value": "v",
            "stacktrace": {"frames": [{"module": "lib", "function": "f", "in_app": false}]}}]}});
        let d = default_components(&ev);
        assert_eq!(d.app, d.system);
        assert!(d.app.iter().any(|c| c.value == "lib"));
    }

    #[test]
    fn stack_with_no_contributing_frames_falls_back_to_value() {
        let ev = tree!({"platform": "native", "exception": {"values": [{"type": "E", "value": "boom 7",
            "stacktrace": {"frames": [{"function": "std::panicking::x", "in_app": true}, {"instruction_addr": "0x1"}]}}]}});
        assert_eq!(app(&ev), ["exception=", "value=boom <int>", "type=E"]);
    }

    #[test]
    fn synthetic_mechanism_drops_type() {
        let ev = tree!({"exception": {"values": [{"type": "EXC_BAD_ACCESS", "value": "x",
            "mechanism": {"type": "mach", "synthetic": true}}]}});
        assert_eq!(app(&ev), ["exception=", "value=x"]);
    }

    #[test]
    fn ns_error_replaces_value() {
        let ev = tree!({"exception": {"values": [{"type": "NSError", "value": "v",
            "mechanism": {"meta": {"ns_error": {"domain": "NSURLErrorDomain", "code": -1001}}}}]}});
        assert_eq!(app(&ev), ["exception=", "ns-error=NSURLErrorDomain", "ns-error=-1001", "type=NSError"]);
    }

    #[test]
    fn chained_exceptions_all_contribute_in_order() {
        let ev = tree!({"exception": {"values": [{"type": "A", "value": "1"}, {"type": "B", "value": "2"}]}});
        assert_eq!(app(&ev), ["exception=", "value=<int>", "type=A", "exception=", "value=<int>", "type=B"]);
    }

    #[test]
    fn message_events_use_template_then_formatted() {
        let ev = tree!({"logentry": {"message": "User %s failed", "formatted": "User bob failed"}});
        assert_eq!(app(&ev), ["message=User %s failed"]);
        let ev = tree!({"logentry": {"formatted": "took 5ms"}});
        assert_eq!(app(&ev), ["message=took <duration>"]);
        assert_eq!(app(&tree!({})), ["message="]);
    }

    #[test]
    fn message_with_thread_stack_includes_frames_and_message() {
        let ev = tree!({"platform": "python", "logentry": {"message": "hi"}, "threads": {"values": [
            {"stacktrace": {"frames": [{"module": "app", "function": "f", "in_app": true}]}}]}});
        assert_eq!(app(&ev), ["frame=", "module=app", "function=f", "message=hi"]);
    }

    #[test]
    fn garbage_input_still_yields_components() {
        for ev in [
            tree!(null),
            tree!([1]),
            tree!({"exception": {"values": [null, 5]}}),
            tree!({"exception": {"values": [{"stacktrace": {"frames": "x"}}]}}),
        ] {
            assert!(!default_components(&ev).app.is_empty());
        }
    }
}
