'use strict';

function breadthFirst(root, visit) {
  const queue = [root];
  while (queue.length > 0) {
    const node = queue.shift(); // hotpath-expect
    visit(node);
    for (const child of node.children) queue.push(child);
  }
}

function drainJobs(state) {
  let done = 0;
  while (state.pending.length) {
    const job = state.pending.shift(); // hotpath-expect
    job.run();
    done++;
  }
  return done;
}

module.exports = { breadthFirst, drainJobs };
