import type { Bits } from '../bits.js';
import { igamc } from '../special/gamma.js';
import { assertLength, type NistTestResult } from './test-result.js';

interface LongestRunTable {
  blockLength: number;
  /** Run lengths counted in the first and last classes as "<= shortest" and ">= longest". */
  shortest: number;
  longest: number;
  probabilities: number[];
}

/**
 * SP 800-22 sections 2.4.2 and 3.4: block length and class probabilities by sequence length.
 * Values as in the NIST STS 2.1.2 reference code (exact for M = 8, 9 digits for M = 128, the
 * 4-digit table for M = 10^4); Appendix B's P-value for e depends on that 4-digit table.
 */
const TABLES: LongestRunTable[] = [
  { blockLength: 8, shortest: 1, longest: 4, probabilities: [0.21484375, 0.3671875, 0.23046875, 0.1875] },
  {
    blockLength: 128,
    shortest: 4,
    longest: 9,
    probabilities: [0.1174035788, 0.242955959, 0.249363483, 0.17517706, 0.102701071, 0.112398847],
  },
  {
    blockLength: 10000,
    shortest: 10,
    longest: 16,
    probabilities: [0.0882, 0.2092, 0.2483, 0.1933, 0.1208, 0.0675, 0.0727],
  },
];

/** SP 800-22 section 2.4, Longest Run of Ones in a Block. */
export function longestRunTest(bits: Bits): NistTestResult {
  assertLength(bits, 128, 'LongestRun');
  const n = bits.length;
  const table = n < 6272 ? TABLES[0] : n < 750000 ? TABLES[1] : TABLES[2];
  const M = table.blockLength;
  const blocks = Math.floor(n / M);
  const K = table.probabilities.length - 1;
  const nu = new Array<number>(K + 1).fill(0);
  for (let block = 0; block < blocks; block++) {
    let longest = 0;
    let run = 0;
    for (let j = block * M, end = j + M; j < end; j++) {
      run = bits[j] === 1 ? run + 1 : 0;
      if (run > longest) longest = run;
    }
    nu[Math.min(Math.max(longest, table.shortest), table.longest) - table.shortest]++;
  }
  let chiSquare = 0;
  for (let i = 0; i <= K; i++) {
    const expected = blocks * table.probabilities[i];
    chiSquare += ((nu[i] - expected) * (nu[i] - expected)) / expected;
  }
  return {
    name: 'LongestRun',
    pValues: [igamc(K / 2, chiSquare / 2)],
    labels: [''],
    applicable: true,
    statistics: { n, M, N: blocks, K, nu, chiSquare },
  };
}
