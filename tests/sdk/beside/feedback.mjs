// The real @sentry/node sends an error, a feedback linked to it, and a feedback on its own.
// Usage: SIFT_NODE_DIR=target/sdk-clients/node node feedback.mjs DSN (the installed clients)
import { createRequire } from "node:module";
const require = createRequire(process.env.SIFT_NODE_DIR + "/feedback.cjs");
const Sentry = require("@sentry/node");

Sentry.init({ dsn: process.argv[2], release: "web@1.0.0", environment: "production", defaultIntegrations: false });
const errorId = Sentry.captureException(new TypeError("pay button handler is undefined"));
Sentry.captureFeedback({
  message: "The pay button does nothing",
  name: "Ann Lee",
  email: "ann@example.com",
  url: "https://shop.example.com/checkout",
  associatedEventId: errorId,
});
Sentry.captureFeedback({ message: "Love the new colours", name: "Zoë", email: "zoe@example.com" });
await Sentry.flush(5000);
console.log(errorId);
