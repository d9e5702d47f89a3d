'use strict';

function parseStrict(s) {
  if (!/^-?\d+(\.\d+)?$/.test(s)) throw new Error(`not a number: ${s}`);
  return Number(s);
}

function sumCells(cells) {
  let total = 0;
  for (const c of cells) {
    try {
      total += parseStrict(c);
    } catch {
      // most cells are labels, not numbers
    }
  }
  return total;
}

module.exports = { sumCells };
