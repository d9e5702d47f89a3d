'use strict';
const crypto = require('node:crypto');

function respond(res, result, log) {
  const etag = crypto.createHash('sha1').update(JSON.stringify(result)).digest('hex');
  log.info('sending ' + JSON.stringify(result));
  res.setHeader('ETag', etag);
  res.end(JSON.stringify(result));
}

module.exports = { respond };
