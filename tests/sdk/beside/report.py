"""The real sentry-python sends an error with a text and a binary attachment, then a user
report about it through its own transport. Prints the error's event id.
Usage: python report.py DSN TEXT_FILE BINARY_FILE"""
import sys

import sentry_sdk
from sentry_sdk.envelope import Envelope, Item, PayloadRef

dsn, text_file, binary_file = sys.argv[1:4]
sentry_sdk.init(dsn=dsn, release="jobs@2.0.0", default_integrations=False)
with sentry_sdk.new_scope() as scope:
    scope.add_attachment(path=text_file, content_type="text/plain")
    scope.add_attachment(path=binary_file, content_type="application/octet-stream")
    try:
        raise OSError("sync failed: disk quota exceeded")
    except OSError:
        event_id = sentry_sdk.capture_exception()

report = Envelope(headers={"event_id": event_id})
report.add_item(Item(payload=PayloadRef(json={
    "event_id": event_id, "name": "Bob", "email": "bob@example.com",
    "comments": "The nightly sync stopped halfway \x1b[2J\x1b]52;c;ZXZpbA==\x07 again",
}), type="user_report"))
sentry_sdk.get_client().transport.capture_envelope(report)
sentry_sdk.flush(5)
print(event_id)
