'use strict';

function attachCustomers(orders, customers) {
  const byId = new Map(customers.map((c) => [c.id, c]));
  return orders.map((order) => ({ ...order, customer: byId.get(order.customerId) }));
}

function newUsers(current, previous) {
  const seen = new Set(previous);
  const added = [];
  for (const user of current) {
    if (!seen.has(user.id)) added.push(user);
  }
  return added;
}

function removeBlocked(messages, blockedSenders) {
  const blocked = new Set(blockedSenders);
  return messages.filter((m) => !blocked.has(m.from));
}

/** Substring checks on each element and lookups on the element itself are fine. */
function tagged(lines, tag) {
  const out = [];
  for (const line of lines) {
    if (line.includes(tag)) out.push(line);
    if (line.tags && line.tags.includes('urgent')) out.push(line);
  }
  return out;
}

module.exports = { attachCustomers, newUsers, removeBlocked, tagged };
