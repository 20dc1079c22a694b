import type { Bits } from '../bits.js';
import { gf2Rank } from './gf2-rank.js';
import { assertLength, type NistTestResult } from './test-result.js';

const SIZE = 32; // M = Q = 32 (SP 800-22 section 2.5.2)

/**
 * Probability that a random M x Q binary matrix has rank r (SP 800-22 section 3.5), as the NIST
 * STS computes it for r = 32 and 31; full rank 0.2888, rank 31 0.5776, lower 0.1336.
 */
export function rankProbability(r: number, rows = SIZE, columns = SIZE): number {
  let product = 1;
  for (let i = 0; i < r; i++) {
    product *= ((1 - 2 ** (i - rows)) * (1 - 2 ** (i - columns))) / (1 - 2 ** (i - r));
  }
  return 2 ** (r * (rows + columns - r) - rows * columns) * product;
}

/** SP 800-22 section 2.5, Binary Matrix Rank over disjoint 32 x 32 matrices (rows filled first). */
export function matrixRankTest(bits: Bits): NistTestResult {
  assertLength(bits, SIZE * SIZE, 'Rank');
  const matrices = Math.floor(bits.length / (SIZE * SIZE));
  const rows = new Uint32Array(SIZE);
  let full = 0;
  let fullMinusOne = 0;
  for (let k = 0; k < matrices; k++) {
    const base = k * SIZE * SIZE;
    for (let r = 0; r < SIZE; r++) {
      let row = 0;
      for (let c = 0, at = base + r * SIZE; c < SIZE; c++, at++) row = ((row << 1) | bits[at]) >>> 0;
      rows[r] = row;
    }
    const rank = gf2Rank(rows, SIZE);
    if (rank === SIZE) full++;
    else if (rank === SIZE - 1) fullMinusOne++;
  }
  const pFull = rankProbability(SIZE);
  const pFullMinusOne = rankProbability(SIZE - 1);
  const pRest = 1 - pFull - pFullMinusOne;
  const rest = matrices - full - fullMinusOne;
  const chiSquare =
    (full - matrices * pFull) ** 2 / (matrices * pFull) +
    (fullMinusOne - matrices * pFullMinusOne) ** 2 / (matrices * pFullMinusOne) +
    (rest - matrices * pRest) ** 2 / (matrices * pRest);
  return {
    name: 'Rank',
    // igamc(1, x) = exp(-x): two degrees of freedom.
    pValues: [Math.exp(-chiSquare / 2)],
    labels: [''],
    applicable: true,
    statistics: { n: bits.length, N: matrices, F_32: full, F_31: fullMinusOne, F_30: rest, chiSquare },
  };
}
