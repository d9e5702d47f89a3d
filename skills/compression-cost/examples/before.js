'use strict';
const zlib = require('node:zlib');

function send(res, payload) {
  const body = zlib.brotliCompressSync(JSON.stringify(payload), {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 },
  });
  res.setHeader('Content-Encoding', 'br');
  res.end(body);
}

module.exports = { send };
