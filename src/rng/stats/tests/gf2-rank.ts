/**
 * Rank over GF(2) of a matrix whose rows are bit masks (up to 32 columns), by Gaussian
 * elimination. The rows array is modified.
 */
export function gf2Rank(rows: Uint32Array, columns: number): number {
  let rank = 0;
  for (let column = columns - 1; column >= 0 && rank < rows.length; column--) {
    const bit = (1 << column) >>> 0;
    let pivot = rank;
    while (pivot < rows.length && (rows[pivot] & bit) === 0) pivot++;
    if (pivot === rows.length) continue;
    const pivotRow = rows[pivot];
    rows[pivot] = rows[rank];
    rows[rank] = pivotRow;
    for (let r = rank + 1; r < rows.length; r++) if (rows[r] & bit) rows[r] ^= pivotRow;
    rank++;
  }
  return rank;
}
