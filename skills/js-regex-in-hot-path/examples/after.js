'use strict';

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Lines of an .env file that assign `key`, ignoring comments. */
function findAssignments(lines, key) {
  const assign = new RegExp(`^\\s*${escapeRegExp(key)}\\s*=`);
  const out = [];
  for (const line of lines) {
    if (assign.test(line)) out.push(line);
  }
  return out;
}

function highlight(rows, term) {
  const re = new RegExp(escapeRegExp(term), 'gi');
  return rows.map((row) => row.title.replace(re, (m) => `<b>${m}</b>`));
}

/** Each word really needs its own pattern: built per element on purpose. */
function wordMatchers(words) {
  return words.map((w) => new RegExp(`\\b${escapeRegExp(w)}\\b`));
}

module.exports = { findAssignments, highlight, wordMatchers };

const NON_ALNUM = /[^a-z0-9]+/g;

function slugify(name) {
  return name.toLowerCase().replace(NON_ALNUM, '-');
}

module.exports.slugify = slugify;
