"""Release health from the real sentry-python: sessions of release $SIFT_RELEASE, one per line of
$SIFT_SESSIONS ("USER STATUS", STATUS healthy or crashed), each started for its user and ended.
A crashed session sees an unhandled error (mechanism handled: false) before it ends, which is how
the SDK marks a session crashed. Sessions are sent one by one ("application" mode), as a
command-line or desktop app would. Exits non-zero if the SDK reported a send failure."""

import os
import sys

import sentry_sdk

failures = []


def before_send(event, hint):
    return event


def transport_failed(*args, **kwargs):
    failures.append(args)


sentry_sdk.init(
    dsn=os.environ["SIFT_DSN"],
    release=os.environ["SIFT_RELEASE"],
    environment="production",
    auto_session_tracking=False,
    before_send=before_send,
)

for line in os.environ["SIFT_SESSIONS"].strip().splitlines():
    user, status = line.split()
    scope = sentry_sdk.get_isolation_scope()
    scope.set_user({"id": user})
    scope.start_session(session_mode="application")
    if status == "crashed":
        sentry_sdk.capture_event(
            {
                "level": "fatal",
                "exception": {
                    "values": [
                        {
                            "type": "RuntimeError",
                            "value": "checkout crashed for " + user,
                            "mechanism": {"type": "excepthook", "handled": False},
                        }
                    ]
                },
            }
        )
    scope.end_session()

sentry_sdk.flush(timeout=10)
sys.exit(1 if failures else 0)
