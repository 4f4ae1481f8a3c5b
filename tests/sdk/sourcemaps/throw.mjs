// Throws one error from the minified shop app through a real Sentry SDK, the way the app
// would in production: the vendored helper and the bundle are loaded as scripts, checkout is
// called with a basket that has a line of quantity 0, and the error it throws is captured.
//
//   node throw.mjs node BUNDLE VENDOR
//   node --import $SIFT_SDK_DIR/node/browser-env.mjs throw.mjs browser BUNDLE VENDOR BASE_URL
//
// `node` requires the files (frames carry their paths, and sentry-cli's injected debug ids);
// `browser` runs them under jsdom as if served from BASE_URL (frames carry URLs). The DSN is
// $SIFT_DSN, the release $SIFT_RELEASE when set; the SDKs come from $SIFT_SDK_DIR/node.
// Exit status: 0 only if the event reached the transport and the server answered 2xx.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const here = path.dirname(fileURLToPath(import.meta.url));
const sdkDir = process.env.SIFT_SDK_DIR ?? path.resolve(here, '../../../target/sdk-clients');
const [kind, bundle, vendor, baseUrl] = process.argv.slice(2);

function sdkEntry(name) {
  const root = path.join(sdkDir, 'node', 'node_modules', name);
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const entry = pkg.exports?.['.']?.import?.default ?? pkg.module ?? pkg.main;
  return pathToFileURL(path.join(root, entry)).href;
}

if (!['node', 'browser'].includes(kind) || !bundle || !vendor || (kind === 'browser' && !baseUrl)) {
  console.error('usage: throw.mjs node|browser BUNDLE VENDOR [BASE_URL]');
  process.exit(2);
}
const Sentry = await import(sdkEntry(kind === 'browser' ? '@sentry/browser' : '@sentry/node'));

const failures = [];
let sent = 0;
function observedTransport(options) {
  const inner = kind === 'browser' ? Sentry.makeFetchTransport(options) : Sentry.makeNodeTransport(options);
  return {
    ...inner,
    async send(envelope) {
      sent += envelope[1].filter(([header]) => header.type === 'event').length;
      const response = await inner.send(envelope);
      const status = response.statusCode;
      if (status !== undefined && (status < 200 || status >= 300)) failures.push(`HTTP ${status}`);
      return response;
    },
  };
}

Sentry.init({ dsn: process.env.SIFT_DSN, release: process.env.SIFT_RELEASE || undefined, transport: observedTransport });

const require = createRequire(import.meta.url);
function load(file) {
  if (kind === 'node') {
    require(path.resolve(file));
  } else {
    vm.runInThisContext(readFileSync(file, 'utf8'), { filename: `${baseUrl}/${path.basename(file)}` });
  }
}
load(vendor);
load(bundle);

try {
  globalThis.shopCheckout({
    code: 'WELCOME10',
    lines: [
      { sku: 'MUG-1', quantity: 2, unitPrice: 9.5 },
      { sku: 'TEE-7', quantity: 0, unitPrice: 19 },
    ],
  });
  failures.push('checkout did not throw');
} catch (err) {
  Sentry.captureException(err);
}
if (!(await Sentry.close(10000))) failures.push('flush timed out');
if (sent !== 1) failures.push(`${sent} events reached the transport, expected 1`);
for (const failure of failures) console.error(`throw.mjs (${kind}): ${failure}`);
process.exitCode = failures.length === 0 ? 0 : 1;
