'use strict';

const NON_ALNUM = /[^a-z0-9]+/g;

function slugify(title) {
  const s = title.toLowerCase().replace(NON_ALNUM, '-');
  let start = 0;
  let end = s.length;
  while (start < end && s[start] === '-') start++;
  while (end > start && s[end - 1] === '-') end--;
  return s.slice(start, end);
}

function errors(lines) {
  return lines.filter((l) => l.includes('timeout') && l.includes('ERROR'));
}

module.exports = { slugify, errors };
