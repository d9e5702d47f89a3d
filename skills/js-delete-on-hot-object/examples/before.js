'use strict';

class Connection {
  constructor(socket) {
    this.socket = socket;
    this.timer = setTimeout(() => this.close(), 30000);
  }

  touch() {
    clearTimeout(this.timer);
    delete this.timer; // hotpath-expect
  }
}

function sanitize(users) {
  for (const user of users) {
    delete user.passwordHash; // hotpath-expect
  }
  return users;
}

module.exports = { Connection, sanitize };
