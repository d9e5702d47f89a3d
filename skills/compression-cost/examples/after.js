'use strict';
const zlib = require('node:zlib');
const { promisify } = require('node:util');

const brotli = promisify(zlib.brotliCompress);

async function send(res, payload) {
  const json = JSON.stringify(payload);
  if (json.length < 1024) return res.end(json);
  const body = await brotli(json, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
  res.setHeader('Content-Encoding', 'br');
  res.end(body);
}

module.exports = { send };
