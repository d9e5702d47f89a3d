'use strict';

class Connection {
  constructor(socket) {
    this.socket = socket;
    this.timer = setTimeout(() => this.close(), 30000);
  }

  touch() {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function sanitize(users) {
  return users.map(({ passwordHash, ...rest }) => rest);
}

function evict(cache, keys) {
  // a dictionary keyed by data: already in dictionary mode
  for (const key of keys) delete cache[key];
}

module.exports = { Connection, sanitize, evict };
