// The checkout flow: the entry point both builds bundle.

import { basketTotal } from './cart.js';

function applyDiscount(total, code) {
  return code === 'WELCOME10' ? total * 0.9 : total;
}

export function checkout(basket) {
  const total = basketTotal(basket);
  return { total: applyDiscount(total, basket.code), currency: 'EUR' };
}

globalThis.shopCheckout = checkout;
