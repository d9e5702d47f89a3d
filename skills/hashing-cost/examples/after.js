'use strict';

function cached(cache, url, params, load) {
  const key = `${url}?${new URLSearchParams(params)}`;
  if (!cache.has(key)) cache.set(key, load(url, params));
  return cache.get(key);
}

module.exports = { cached };
