// A browser page's globals for code that runs under Node: preload with
//   node --import ./browser-env.mjs app.mjs
// from a folder whose node_modules holds jsdom (target/sdk-clients/node, or a
// folder with a node_modules symlink to it; tests/it/readme_snippets.rs copies
// this file there).
//
// jsdom provides the page: window, document, location, navigator, history and
// the DOM event machinery. A browser SDK sees `globalThis` as its window, so
// every window property that Node's own global object lacks is copied onto
// it (its functions bound to the jsdom window). Node's own globals win where
// both exist: fetch (jsdom has none, and @sentry/browser sends with fetch),
// URL, timers, queueMicrotask and the like behave as a browser's do.

import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><head><title>sift</title></head><body></body></html>', {
  url: 'http://localhost:5173/',
  pretendToBeVisual: true,
});
const { window } = dom;

for (const key of Object.getOwnPropertyNames(window)) {
  if (key in globalThis) continue;
  const value = window[key];
  globalThis[key] = typeof value === 'function' && !/^[A-Z]/.test(key) ? value.bind(window) : value;
}
// As in a browser, window and self are the global object itself. Newer Nodes
// have a navigator of their own: the page's (jsdom's user agent) wins.
for (const key of ['window', 'self', 'document', 'location', 'navigator', 'history']) {
  const value = key === 'window' || key === 'self' ? globalThis : window[key];
  Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
}
// Event listeners go to the page.
for (const key of ['addEventListener', 'removeEventListener', 'dispatchEvent']) {
  globalThis[key] = window[key].bind(window);
}
