'use strict';

/** Totals per customer: builds a new object and array on every element. */
function totals(orders) {
  return orders
    .map((o) => ({ ...o, total: o.items.reduce((s, i) => s + i.price * i.qty, 0) }))
    .filter((o) => o.total > 0)
    .reduce((acc, o) => ({ ...acc, [o.customer]: (acc[o.customer] || 0) + o.total }), {});
}

module.exports = { totals };
