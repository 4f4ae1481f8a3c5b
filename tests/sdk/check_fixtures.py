#!/usr/bin/env python3
"""Check that the committed captures agree with tests/sdk/expected.json.

    $SIFT_SDK_DIR/python/bin/python tests/sdk/check_fixtures.py [client...]

It decodes every recorded envelope under tests/fixtures/sdk/<client>/, groups
the events with a small approximation of Sentry's rules (custom fingerprint;
else in-app frames' function + context line and exception type, or the
logentry template; plus hybrid fingerprint extras) and compares event counts,
issue counts, users, levels, chains, request headers and breadcrumbs with the
expectations. It needs `brotli` for the python captures, hence the venv python.
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep tests/sdk free of __pycache__
sys.path.insert(0, HERE)
from capture import decompress, header_value, parse_envelope  # noqa: E402

FIXTURES = os.path.join(HERE, "..", "fixtures", "sdk")


def load_events(client):
    root = os.path.join(FIXTURES, client)
    events = []
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        with open(os.path.join(folder, "request.json")) as f:
            request = json.load(f)
        with open(os.path.join(folder, "body.bin"), "rb") as f:
            body = f.read()
        data, _ = decompress(body, header_value(request["headers"], "Content-Encoding"))
        for item_header, payload in parse_envelope(data)[1]:
            if item_header.get("type") == "event":
                events.append(json.loads(payload))
    return events


def exceptions(event):
    exc = event.get("exception") or {}
    return exc.get("values", exc) if isinstance(exc, dict) else exc


def in_app_frames(exc):
    frames = (exc.get("stacktrace") or {}).get("frames") or []
    return [f for f in frames if f.get("in_app")]


def group_key(event):
    fingerprint = event.get("fingerprint") or []
    if fingerprint and "{{ default }}" not in fingerprint:
        return ("custom",) + tuple(fingerprint)
    parts = []
    values = exceptions(event)
    if values:
        for exc in values:
            frames = in_app_frames(exc)
            if frames:
                parts += [(f.get("function"), " ".join((f.get("context_line") or "").split())) for f in frames]
            else:
                parts.append(exc.get("value"))
            if not (exc.get("mechanism") or {}).get("synthetic"):
                parts.append(exc.get("type"))
    elif event.get("logentry"):
        parts.append(event["logentry"].get("message") or event["logentry"].get("formatted"))
    else:
        parts.append(event.get("message"))
    extra = [v for v in fingerprint if v != "{{ default }}"]
    return ("default", repr(parts)) + tuple(extra)


def user_key(event):
    user = event.get("user") or {}
    for field in ("id", "username", "email", "ip_address"):
        if user.get(field):
            return f"{field}:{user[field]}"
    return None


def culprit_function(event):
    values = exceptions(event)
    if not values:
        return None
    frames = in_app_frames(values[-1])
    return frames[-1].get("function") if frames else None


def matches(spec, event):
    values = exceptions(event)
    last = values[-1] if values else {}
    if "fingerprint" in spec and event.get("fingerprint") != spec["fingerprint"]:
        return False
    if "exception_type" in spec and last.get("type") != spec["exception_type"]:
        return False
    if spec.get("culprit_function") and culprit_function(event) != spec["culprit_function"]:
        return False
    if "logentry_message" in spec and (event.get("logentry") or {}).get("message") != spec["logentry_message"]:
        return False
    return True


def check_issue(spec, group, problems):
    key = spec["key"]

    def fail(msg):
        problems.append(f"{key}: {msg}")

    if len(group) != spec["events"]:
        fail(f"{len(group)} events, expected {spec['events']}")
    users = {u for u in map(user_key, group) if u}
    if len(users) != spec["users"]:
        fail(f"{len(users)} users {sorted(users)}, expected {spec['users']}")
    for ev in group:
        level = ev.get("level", "error")
        if level != spec["level"]:
            fail(f"level {level}")
        last = (exceptions(ev) or [{}])[-1]
        if "value" in spec and last.get("value") != spec["value"]:
            fail(f"value {last.get('value')!r}")
        if "value_regex" in spec and not re.search(spec["value_regex"], last.get("value") or ""):
            fail(f"value {last.get('value')!r} !~ {spec['value_regex']}")
        for tag, value in (spec.get("tags") or {}).items():
            if (ev.get("tags") or {}).get(tag) != value:
                fail(f"tag {tag}={(ev.get('tags') or {}).get(tag)!r}")
        if "chain" in spec:
            got = [(e.get("type"), e.get("value")) for e in exceptions(ev)]
            want = [(c["type"], c["value"]) for c in spec["chain"]]
            if got != want:
                fail(f"chain {got}")
        if "breadcrumbs" in spec:
            crumbs = ev.get("breadcrumbs") or []
            crumbs = crumbs.get("values", []) if isinstance(crumbs, dict) else crumbs
            for want in spec["breadcrumbs"]:
                if not any(all(c.get(k) == v for k, v in want.items() if k not in ("data", "message_regex")) for c in crumbs):
                    fail(f"no breadcrumb like {want}")
        if "request" in spec:
            headers = (ev.get("request") or {}).get("headers") or {}
            for name, value in spec["request"]["headers_on_wire"].items():
                if headers.get(name) != value:
                    fail(f"request header {name}={headers.get(name)!r}")
        if "logentry_message" in spec and not re.search(
            spec["formatted_regex"],
            (ev.get("logentry") or {}).get("formatted") or last.get("value") or "",
        ):
            # python sends logentry.formatted; node puts the formatted text in the
            # synthetic exception's value; sentry-cli sends neither.
            if ev.get("platform") != "native":
                fail("formatted message does not match")
    if "logentry_params" in spec:
        got = sorted((ev.get("logentry") or {}).get("params") for ev in group)
        if got != sorted(spec["logentry_params"]):
            fail(f"params {got}")


def check_client(client, expected):
    problems = []
    events = load_events(client)
    if len(events) != expected["events"]:
        problems.append(f"{len(events)} events, expected {expected['events']}")
    groups = {}
    for ev in events:
        groups.setdefault(group_key(ev), []).append(ev)
    if len(groups) != expected["issues"]:
        problems.append(f"{len(groups)} groups, expected {expected['issues']}")
    for spec in expected["expected_issues"]:
        found = [g for g in groups.values() if all(matches(spec, ev) for ev in g)]
        if "exception_types" in spec:
            found = [g for g in groups.values() if all(ev.get("fingerprint") == spec["fingerprint"] for ev in g)]
        if len(found) != 1:
            problems.append(f"{spec['key']}: {len(found)} matching groups")
            continue
        check_issue(spec, found[0], problems)
    for ev in events:
        if ev.get("release") != expected["release"] or ev.get("environment", "production") != expected["environment"]:
            problems.append(f"event {ev.get('event_id')}: release/environment {ev.get('release')}/{ev.get('environment')}")
    return problems


def main():
    with open(os.path.join(HERE, "expected.json")) as f:
        expected = json.load(f)
    clients = sys.argv[1:] or list(expected["clients"])
    failed = 0
    for client in clients:
        problems = check_client(client, expected["clients"][client])
        for p in problems:
            print(f"{client}: {p}")
        print(f"{client}: {'FAIL' if problems else 'ok'}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
