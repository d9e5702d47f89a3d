'use strict';

function slugify(title) {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function errors(lines) {
  return lines.filter((l) => /^\s*.*ERROR.*timeout.*$/.test(l));
}

module.exports = { slugify, errors };
