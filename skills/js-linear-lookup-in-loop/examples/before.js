'use strict';

function attachCustomers(orders, customers) {
  return orders.map((order) => ({
    ...order,
    customer: customers.find((c) => c.id === order.customerId), // hotpath-expect
  }));
}

function newUsers(current, previous) {
  const added = [];
  for (const user of current) {
    if (!previous.includes(user.id)) added.push(user); // hotpath-expect
  }
  return added;
}

function removeBlocked(messages, blockedSenders) {
  const kept = [];
  for (let i = 0; i < messages.length; i++) {
    const sender = messages[i].from;
    if (blockedSenders.indexOf(sender) === -1) kept.push(messages[i]); // hotpath-expect
  }
  return kept;
}

module.exports = { attachCustomers, newUsers, removeBlocked };
