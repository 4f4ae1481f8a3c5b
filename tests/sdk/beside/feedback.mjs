// The real @sentry/node sends an error, a feedback linked to it, and a feedback on its own.
// Usage: node feedback.mjs DSN   (run with NODE_PATH at the installed clients' node_modules)
import { createRequire } from "node:module";
const require = createRequire(process.env.SIFT_NODE_MODULES + "/");
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
