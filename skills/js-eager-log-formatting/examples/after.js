'use strict';

function handle(logger, req, state) {
  logger.debug({ body: req.body }, 'incoming');
  if (logger.isLevelEnabled('trace')) logger.trace({ state }, 'state');
  logger.info(`handled ${JSON.stringify(req.params)}`);
  return state.apply(req.body);
}

module.exports = { handle };
