'use strict';

function processBatch(batch, store) {
  for (const item of batch) {
    store.save(item);
    console.log(`processed item ${item.id}: ${JSON.stringify(item)}`);
  }
}

module.exports = { processBatch };
