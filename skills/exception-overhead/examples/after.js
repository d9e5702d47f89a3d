'use strict';

const NUMBER = /^-?\d+(\.\d+)?$/;

function sumCells(cells) {
  let total = 0;
  for (const c of cells) {
    if (NUMBER.test(c)) total += Number(c);
  }
  return total;
}

module.exports = { sumCells };
