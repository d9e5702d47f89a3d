'use strict';

function breadthFirst(root, visit) {
  const queue = [root];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    visit(node);
    for (const child of node.children) queue.push(child);
  }
}

function drainJobs(state) {
  const jobs = state.pending;
  state.pending = [];
  for (const job of jobs) job.run();
  return jobs.length;
}

/** A few shifts over a short argv are fine. */
function parseArgs(argv) {
  const args = argv.slice(2);
  const command = args.shift();
  const options = {};
  for (const arg of args) {
    const [key, value] = arg.replace(/^--/, '').split('=');
    options[key] = value ?? true;
  }
  return { command, options };
}

module.exports = { breadthFirst, drainJobs, parseArgs };
