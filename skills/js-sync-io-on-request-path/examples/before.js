'use strict';
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const zlib = require('node:zlib');

function register(app, dir) {
  app.get('/report', (req, res) => {
    const template = fs.readFileSync(path.join(dir, 'report.html'), 'utf8'); // hotpath-expect
    res.send(template.replace('{{user}}', req.query.user));
  });

  app.post('/login', (req, res) => {
    const hash = crypto.pbkdf2Sync(req.body.password, req.body.salt, 100000, 64, 'sha512'); // hotpath-expect
    res.json({ ok: hash.toString('hex') === req.body.expected });
  });

  app.get('/export', (req, res) => {
    res.end(zlib.gzipSync(JSON.stringify(req.app.locals.rows))); // hotpath-expect
  });
}

module.exports = { register };
