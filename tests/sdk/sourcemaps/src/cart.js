// The basket arithmetic of the small shop app sift's source-map suite minifies.

export class CheckoutError extends Error {
  constructor(message) {
    super(message);
    this.name = 'CheckoutError';
  }
}

function priceOfLine(line) {
  if (line.quantity <= 0) {
    throw new CheckoutError(`line ${line.sku} has quantity ${line.quantity}`);
  }
  return line.quantity * line.unitPrice;
}

export function basketTotal(basket) {
  let total = 0;
  // legacyEach comes from a vendored, minified file whose map is never uploaded.
  globalThis.legacyEach(basket.lines, (line) => {
    total += priceOfLine(line);
  });
  return total;
}
