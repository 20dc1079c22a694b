import type { Bits } from '../bits.js';
import { igamc } from '../special/gamma.js';
import { assertLength, type NistTestResult } from './test-result.js';

/**
 * SP 800-22 section 2.2, Frequency within a Block: chi^2 = 4M sum (pi_i - 1/2)^2 over
 * N = floor(n/M) blocks, P = igamc(N/2, chi^2/2). Appendix B uses M = 128.
 */
export function blockFrequencyTest(bits: Bits, blockLength: number): NistTestResult {
  if (!Number.isSafeInteger(blockLength) || blockLength < 1)
    throw new RangeError(`block length must be >= 1`);
  assertLength(bits, blockLength, 'BlockFrequency');
  const blocks = Math.floor(bits.length / blockLength);
  let sum = 0;
  for (let block = 0; block < blocks; block++) {
    let ones = 0;
    for (let j = block * blockLength, end = j + blockLength; j < end; j++) ones += bits[j];
    const deviation = ones / blockLength - 0.5;
    sum += deviation * deviation;
  }
  const chiSquare = 4 * blockLength * sum;
  return {
    name: 'BlockFrequency',
    pValues: [igamc(blocks / 2, chiSquare / 2)],
    labels: [''],
    applicable: true,
    statistics: {
      n: bits.length,
      M: blockLength,
      N: blocks,
      chiSquare,
      discardedBits: bits.length - blocks * blockLength,
    },
  };
}
