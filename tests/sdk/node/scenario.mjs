// Drive the real @sentry/node SDK through sift's shared SDK scenario.
//
// The DSN comes from $SIFT_DSN; the SDK is loaded from $SIFT_SDK_DIR/node (see
// tests/sdk/install.sh). Every event is produced the way an application would
// produce it: real functions throw real errors, the chained error uses
// `{ cause }` with the default linked-errors integration, the parameterized
// message uses the SDK's `parameterize` tag, and the request error happens
// inside a real node:http server (instrumented by the default http
// integration) that receives a real request over loopback.
//
// Exit status: 0 only if every envelope was answered 2xx and every captured
// event reached the transport (none dropped, e.g. by the Dedupe integration).
// See tests/sdk/EXPECTED.md for what each step must become on the server.

import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const sdkDir = process.env.SIFT_SDK_DIR ?? path.resolve(here, '../../../target/sdk-clients');

// Import a package's ESM entry from the installed client folder. Bare
// specifiers would resolve next to this file, not there.
function sdkEntry(name) {
  const root = path.join(sdkDir, 'node', 'node_modules', name);
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const entry = pkg.exports?.['.']?.import?.default ?? pkg.module ?? pkg.main;
  return pathToFileURL(path.join(root, entry)).href;
}

const Sentry = await import(sdkEntry('@sentry/node'));

// --- the "application" -------------------------------------------------------

class ShopError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = new.target.name;
  }
}
class OrderError extends ShopError {}
class ConfigError extends ShopError {}
class GatewayTimeoutError extends ShopError {}
class PaymentError extends ShopError {}
class SyncError extends ShopError {}
class InventoryError extends ShopError {}
class ShippingError extends ShopError {}
class AuthError extends ShopError {}

const ORDERS = new Map([[1001, 0], [1002, -3], [1003, 0], [1004, -1], [1005, 0], [1006, -7]]);

function process_order(orderId) {
  const quantity = ORDERS.get(orderId);
  if (quantity <= 0) {
    throw new OrderError(`invalid order ${orderId}`);
  }
  return quantity;
}

function checkout(orderId) {
  Sentry.addBreadcrumb({ category: 'navigation', type: 'navigation', data: { from: '/cart', to: '/checkout' } });
  Sentry.addBreadcrumb({
    category: 'http',
    type: 'http',
    level: 'warning',
    data: { method: 'POST', url: 'http://inventory.internal/api/reserve', status_code: 409, reason: 'Conflict' },
  });
  Sentry.addBreadcrumb({
    category: 'cart',
    message: `reserving stock for order ${orderId}`,
    level: 'info',
    data: { order_id: orderId, items: 3 },
  });
  return process_order(orderId);
}

function refund_order(orderId) {
  if (!ORDERS.has(orderId) || ORDERS.get(orderId) <= 0) {
    throw new OrderError(`invalid order ${orderId}`);
  }
  return ORDERS.get(orderId);
}

function load_config(settings) {
  if (!('database_url' in settings)) {
    throw new ConfigError("missing setting 'database_url'");
  }
  return settings;
}

function call_gateway(_paymentId) {
  throw new GatewayTimeoutError('gateway timeout');
}

function refund_payment(paymentId) {
  try {
    return call_gateway(paymentId);
  } catch (err) {
    throw new PaymentError('payment refund failed', { cause: err });
  }
}

function sync_tenant(_tenant) {
  throw new SyncError('tenant sync failed');
}

function reconcile_stock(sku) {
  throw new InventoryError(`stock count mismatch for ${sku}`);
}

function print_label(parcel) {
  throw new ShippingError(`label printer offline for parcel ${parcel}`);
}

function login(name) {
  console.info(`login attempt for ${name}`);
  track(() => Sentry.captureMessage(Sentry.parameterize`User ${name} failed to log in`, 'error'));
}

function authorize_request(req) {
  const api_key = req.headers['x-api-key'] ?? '';
  throw new AuthError(`api key rejected for ${new URL(req.url, 'http://shop.local').pathname} (${api_key.length} chars)`);
}

function shopServer() {
  return http.createServer((req, res) => {
    try {
      authorize_request(req);
      res.end('ok');
    } catch (err) {
      track(() => Sentry.captureException(err));
      res.statusCode = 401;
      res.end('unauthorized');
    }
  });
}

// --- send bookkeeping --------------------------------------------------------

const failures = [];
let captured = 0;
let eventsSent = 0;

// Count an event handed to the SDK; compared with what reached the transport.
function track(capture) {
  captured += 1;
  return capture();
}

// The default node transport, observed: every envelope must get a 2xx answer.
function observedTransport(options) {
  const inner = Sentry.makeNodeTransport(options);
  return {
    ...inner,
    async send(envelope) {
      const types = envelope[1].map(([itemHeader]) => itemHeader.type);
      eventsSent += types.filter((t) => t === 'event').length;
      try {
        const response = await inner.send(envelope);
        const status = response.statusCode;
        if (status !== undefined && (status < 200 || status >= 300)) {
          failures.push(`HTTP ${status} for envelope [${types}]`);
        }
        return response;
      } catch (err) {
        failures.push(`send failed for envelope [${types}]: ${err}`);
        throw err;
      }
    },
  };
}

// --- the scenario ------------------------------------------------------------

const USERS = [
  { id: 'u1', email: 'u1@example.com', username: 'user1' },
  { id: 'u2', email: 'u2@example.com', username: 'user2' },
  { id: 'u3', email: 'u3@example.com', username: 'user3' },
];

// (a)+(f): six failing checkouts, two per user, each with breadcrumbs.
function captureOrders() {
  [...ORDERS.keys()].forEach((orderId, n) => {
    Sentry.withIsolationScope((scope) => {
      scope.setUser(USERS[n % USERS.length]);
      try {
        checkout(orderId);
      } catch (err) {
        track(() => Sentry.captureException(err));
      }
    });
  });
}

// (b)
function captureConfigError() {
  try {
    load_config({ debug: true });
  } catch (err) {
    track(() => Sentry.captureException(err));
  }
}

// (c): same type and message as order 1001, different function.
function captureRefundError() {
  try {
    refund_order(1001);
  } catch (err) {
    track(() => Sentry.captureException(err));
  }
}

// (d)
function captureChained() {
  try {
    refund_payment('pay_77');
  } catch (err) {
    track(() => Sentry.captureException(err));
  }
}

// (e): one call site. @sentry/node attaches a synthetic stack trace to messages
// (attachStacktrace defaults to true), so the two events must share every frame
// to group together in Sentry; only the parameters differ.
function captureFailedLogins() {
  for (const name of ['alice', 'bob']) {
    login(name);
  }
}

// (g): a real request with credentials, over loopback, to an instrumented server.
async function captureRequestError() {
  const server = shopServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/checkout?cart=42',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'sift-sdk-suite/1.0',
          Authorization: 'Bearer sk_live_4f9a8c7e6d5b4a39',
          Cookie: 'shop_session=c00k1e-s3cr3t; theme=dark',
          'X-Api-Key': 'ak_test_0123456789abcdef',
        },
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
  await new Promise((resolve) => server.close(resolve));
}

// (h): one throw site with hybrid fingerprints; then one fully custom group.
function captureFingerprints() {
  for (const tenant of ['tenant-a', 'tenant-b', 'tenant-a']) {
    Sentry.withScope((scope) => {
      scope.setFingerprint(['{{ default }}', tenant]);
      scope.setTag('tenant', tenant);
      try {
        sync_tenant(tenant);
      } catch (err) {
        track(() => Sentry.captureException(err));
      }
    });
  }
  for (const [fails, arg] of [[reconcile_stock, 'SKU-1'], [print_label, 'P-9']]) {
    Sentry.withScope((scope) => {
      scope.setFingerprint(['custom-group']);
      try {
        fails(arg);
      } catch (err) {
        track(() => Sentry.captureException(err));
      }
    });
  }
}

async function main() {
  const dsn = process.env.SIFT_DSN;
  if (!dsn) {
    console.error('SIFT_DSN is not set');
    return 2;
  }
  Sentry.init({
    dsn,
    release: 'shop@1.2.3',
    environment: 'staging',
    serverName: 'sift-sdk-suite',
    transport: observedTransport,
  });
  Sentry.setTag('tenant', 'acme');

  captureOrders();
  captureConfigError();
  captureRefundError();
  captureChained();
  captureFailedLogins();
  await captureRequestError();
  captureFingerprints();

  const drained = await Sentry.close(10000);
  if (!drained) failures.push('flush timed out');
  if (eventsSent !== captured) {
    failures.push(`captured ${captured} events but only ${eventsSent} reached the transport`);
  }
  if (failures.length > 0) {
    for (const f of failures) console.error(`@sentry/node reported: ${f}`);
    return 1;
  }
  console.log(`node scenario sent (${eventsSent} events)`);
  return 0;
}

process.exitCode = await main();
