'use strict';

function processBatch(batch, store, logger) {
  for (const item of batch) store.save(item);
  logger.info({ count: batch.length }, 'processed batch');
}

module.exports = { processBatch };
