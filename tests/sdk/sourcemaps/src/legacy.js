// A vendored helper, shipped minified without a source map.
globalThis.legacyEach = function legacyEach(items, visit) {
  for (let index = 0; index < items.length; index += 1) {
    visit(items[index], index);
  }
};
