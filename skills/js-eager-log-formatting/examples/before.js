'use strict';
const util = require('node:util');

function handle(logger, req, state) {
  logger.debug(`incoming ${JSON.stringify(req.body)}`); // hotpath-expect
  logger.trace('state: ' + util.inspect(state, { depth: 5 })); // hotpath-expect
  this.log.debug(JSON.stringify(req.headers)); // hotpath-expect
  return state.apply(req.body);
}

module.exports = { handle };
