'use strict';

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Lines of an .env file that assign `key`, ignoring comments. */
function findAssignments(lines, key) {
  const out = [];
  for (const line of lines) {
    const assign = new RegExp(`^\\s*${escapeRegExp(key)}\\s*=`); // hotpath-expect
    if (assign.test(line)) out.push(line);
  }
  return out;
}

function highlight(rows, term) {
  return rows.map((row) => row.title.replace(new RegExp(escapeRegExp(term), 'gi'), (m) => `<b>${m}</b>`)); // hotpath-expect
}

module.exports = { findAssignments, highlight };

function slugify(name) {
  const re = new RegExp('[^a-z0-9]+', 'g'); // hotpath-expect
  return name.toLowerCase().replace(re, '-');
}

module.exports.slugify = slugify;
