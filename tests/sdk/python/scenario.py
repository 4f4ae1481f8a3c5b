"""Drive the real Python `sentry-sdk` through sift's shared SDK scenario.

The DSN comes from $SIFT_DSN. Every event below is produced the way an
application would produce it: real functions raise real exceptions which the
SDK captures, a real `logging` call goes through the logging integration, and a
real WSGI app wrapped in SentryWsgiMiddleware is called in-process. Transport
settings are the SDK defaults (brotli is installed, so envelopes go out as br).

Exit status: 0 only if the SDK flushed everything and reported no send failure.
See tests/sdk/EXPECTED.md for what each step must turn into on the server.
"""

import io
import logging
import os
import sys
import warnings
from wsgiref.util import setup_testing_defaults

import sentry_sdk
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.integrations.wsgi import SentryWsgiMiddleware
from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber
from sentry_sdk.transport import HttpTransport

HERE = os.path.dirname(os.path.abspath(__file__))
shop_log = logging.getLogger("shop")


# --- the "application" -------------------------------------------------------


class OrderError(Exception):
    """An order that cannot be processed or refunded."""


class ConfigError(Exception):
    """The shop's configuration is incomplete."""


class GatewayTimeoutError(TimeoutError):
    """The payment gateway did not answer in time."""


class PaymentError(Exception):
    """A payment operation failed."""


class SyncError(Exception):
    """Tenant data could not be synchronised."""


class InventoryError(Exception):
    """Stock figures disagree."""


class ShippingError(Exception):
    """A parcel could not be shipped."""


class AuthError(Exception):
    """An API request carried credentials that were refused."""


ORDERS = {1001: 0, 1002: -3, 1003: 0, 1004: -1, 1005: 0, 1006: -7}


def process_order(order_id):
    quantity = ORDERS[order_id]
    if quantity <= 0:
        raise OrderError(f"invalid order {order_id}")
    return quantity


def checkout(order_id):
    sentry_sdk.add_breadcrumb(
        category="navigation",
        type="navigation",
        data={"from": "/cart", "to": "/checkout"},
    )
    sentry_sdk.add_breadcrumb(
        category="http",
        type="http",
        level="warning",
        data={
            "method": "POST",
            "url": "http://inventory.internal/api/reserve",
            "status_code": 409,
            "reason": "Conflict",
        },
    )
    sentry_sdk.add_breadcrumb(
        category="cart",
        message=f"reserving stock for order {order_id}",
        level="info",
        data={"order_id": order_id, "items": 3},
    )
    return process_order(order_id)


def refund_order(order_id):
    if order_id not in ORDERS or ORDERS[order_id] <= 0:
        raise OrderError(f"invalid order {order_id}")
    return ORDERS[order_id]


def load_config(settings):
    if "database_url" not in settings:
        raise ConfigError("missing setting 'database_url'")
    return settings


def call_gateway(payment_id):
    raise GatewayTimeoutError("gateway timeout")


def refund_payment(payment_id):
    try:
        return call_gateway(payment_id)
    except GatewayTimeoutError as exc:
        raise PaymentError("payment refund failed") from exc


def sync_tenant(tenant):
    raise SyncError("tenant sync failed")


def reconcile_stock(sku):
    raise InventoryError(f"stock count mismatch for {sku}")


def print_label(parcel):
    raise ShippingError(f"label printer offline for parcel {parcel}")


def login(name):
    # A failed login is logged, not raised: the logging integration turns the
    # error record into an event that keeps the template and its parameters.
    shop_log.info("login attempt for %s", name)
    expect_event()
    shop_log.error("User %s failed to log in", name)


def authorize_request(environ):
    api_key = environ.get("HTTP_X_API_KEY", "")
    raise AuthError(f"api key rejected for {environ['PATH_INFO']} ({len(api_key)} chars)")


def shop_app(environ, start_response):
    authorize_request(environ)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


# --- the scenario ------------------------------------------------------------

USERS = [
    {"id": "u1", "email": "u1@example.com", "username": "user1"},
    {"id": "u2", "email": "u2@example.com", "username": "user2"},
    {"id": "u3", "email": "u3@example.com", "username": "user3"},
]


def capture_orders():
    """(a)+(f): six failing checkouts, two per user, each with breadcrumbs."""
    for n, order_id in enumerate(sorted(ORDERS)):
        user = USERS[n % len(USERS)]
        with sentry_sdk.isolation_scope() as scope:
            scope.set_user(user)
            try:
                checkout(order_id)
            except OrderError as exc:
                report(exc)


def capture_config_error():
    """(b)"""
    try:
        load_config({"debug": True})
    except ConfigError as exc:
        report(exc)


def capture_refund_error():
    """(c): same type and message as order 1001, different function."""
    try:
        refund_order(1001)
    except OrderError as exc:
        report(exc)


def capture_chained():
    """(d)"""
    try:
        refund_payment("pay_77")
    except PaymentError as exc:
        report(exc)


def capture_failed_logins():
    """(e): one call site, so only the parameters differ between the events."""
    for name in ("alice", "bob"):
        login(name)


def capture_request_error():
    """(g): a real WSGI request with credentials in its headers."""
    app = SentryWsgiMiddleware(shop_app)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/checkout",
        "QUERY_STRING": "cart=42",
        "SERVER_NAME": "shop.local",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": "0",
        "HTTP_HOST": "shop.local:8000",
        "HTTP_USER_AGENT": "sift-sdk-suite/1.0",
        "HTTP_AUTHORIZATION": "Bearer sk_live_4f9a8c7e6d5b4a39",
        "HTTP_COOKIE": "shop_session=c00k1e-s3cr3t; theme=dark",
        "HTTP_X_API_KEY": "ak_test_0123456789abcdef",
        "wsgi.input": io.BytesIO(b""),
    }
    setup_testing_defaults(environ)
    expect_event()
    try:
        app(environ, lambda status, headers, exc_info=None: None)
    except AuthError:
        pass  # the middleware reported it and re-raised, as in a real server


def capture_fingerprints():
    """(h): one raise site, hybrid fingerprints; then one fully custom group."""
    for tenant in ("tenant-a", "tenant-b", "tenant-a"):
        with sentry_sdk.new_scope() as scope:
            scope.fingerprint = ["{{ default }}", tenant]
            scope.set_tag("tenant", tenant)
            try:
                sync_tenant(tenant)
            except SyncError as exc:
                report(exc)

    for fails, arg in ((reconcile_stock, "SKU-1"), (print_label, "P-9")):
        with sentry_sdk.new_scope() as scope:
            scope.fingerprint = ["custom-group"]
            try:
                fails(arg)
            except (InventoryError, ShippingError) as exc:
                report(exc)


# --- send bookkeeping --------------------------------------------------------


class Sends:
    """What the scenario asked for and what the transport saw."""

    expected_events = 0
    events = 0
    failures = []


def expect_event():
    Sends.expected_events += 1


def report(exc):
    expect_event()
    sentry_sdk.capture_exception(exc)


class ObservedTransport(HttpTransport):
    """The default HTTP transport (same options, same br compression), observed.

    The SDK routes every lost envelope through on_dropped_event: connection
    errors, non-2xx answers, 429s and a full queue.
    """

    def capture_envelope(self, envelope):
        Sends.events += sum(1 for item in envelope.items if item.type == "event")
        super().capture_envelope(envelope)

    def on_dropped_event(self, reason):
        Sends.failures.append(reason)
        super().on_dropped_event(reason)


def main():
    dsn = os.environ.get("SIFT_DSN")
    if not dsn:
        print("SIFT_DSN is not set", file=sys.stderr)
        return 2

    logging.basicConfig(level=logging.INFO, stream=sys.stderr)

    # The SDK's default EventScrubber already blanks Authorization and Cookie
    # keys client-side. sift must scrub on the server, so the suite keeps those
    # headers on the wire: everything else in the default denylist stays.
    keep_on_wire = {"authorization", "cookie", "x_api_key"}
    with warnings.catch_warnings():
        # send_default_pii is deprecated in favour of data_collection, but
        # data_collection always filters auth/key headers client-side.
        warnings.simplefilter("ignore", DeprecationWarning)
        sentry_sdk.init(
            dsn=dsn,
            release="shop@1.2.3",
            environment="staging",
            server_name="sift-sdk-suite",
            send_default_pii=True,
            event_scrubber=EventScrubber(
                denylist=[k for k in DEFAULT_DENYLIST if k not in keep_on_wire],
                send_default_pii=True,
            ),
            project_root=HERE,
            transport=ObservedTransport,
            integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
        )
    sentry_sdk.set_tag("tenant", "acme")

    capture_orders()
    capture_config_error()
    capture_refund_error()
    capture_chained()
    capture_failed_logins()
    capture_request_error()
    capture_fingerprints()

    sentry_sdk.flush(timeout=10)
    sentry_sdk.get_client().close(timeout=10)

    if Sends.events != Sends.expected_events:
        Sends.failures.append(
            f"asked for {Sends.expected_events} events but {Sends.events} reached the transport"
        )
    if Sends.failures:
        for failure in Sends.failures:
            print(f"sentry-sdk reported: {failure}", file=sys.stderr)
        return 1
    print(f"python scenario sent ({Sends.events} events)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
