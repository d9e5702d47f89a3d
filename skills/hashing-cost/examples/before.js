'use strict';
const crypto = require('node:crypto');

function cached(cache, url, params, load) {
  const key = crypto.createHash('sha256').update(url + JSON.stringify(params)).digest('hex');
  if (!cache.has(key)) cache.set(key, load(url, params));
  return cache.get(key);
}

module.exports = { cached };
