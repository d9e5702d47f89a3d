'use strict';
const crypto = require('node:crypto');

function respond(res, result, log) {
  const body = JSON.stringify(result);
  const etag = crypto.createHash('sha1').update(body).digest('hex');
  log.info({ bytes: body.length }, 'sending');
  res.setHeader('ETag', etag);
  res.end(body);
}

module.exports = { respond };
