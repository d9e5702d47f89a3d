'use strict';

/** Totals per customer: one result object, no intermediate copies. */
function totals(orders) {
  const out = {};
  for (const o of orders) {
    let total = 0;
    for (const i of o.items) total += i.price * i.qty;
    if (total > 0) out[o.customer] = (out[o.customer] || 0) + total;
  }
  return out;
}

module.exports = { totals };
