import { bitsToAscii } from '../bits.js';
import { binaryExpansionOfE } from './binary-expansion-of-e.js';

/** The first 256 characters of the NIST STS file data/data.e (sts-2.1.2). */
const DATA_E_PREFIX =
  '1010110111111000010101000101100010100010101110110100101010011010101011111101110001010110001000000010011100111101001111001111000111011000101110011100010110000011110011100010110100110110100101011010100111100001001101100100000100010100011001000011001111111011';

describe('binaryExpansionOfE', () => {
  it('starts like data/data.e: the integer digits "10", then the fraction', () => {
    expect(bitsToAscii(binaryExpansionOfE(256))).toBe(DATA_E_PREFIX);
  });

  it('agrees with the first 50 decimal places of e', () => {
    const bits = binaryExpansionOfE(400);
    const scaled = BigInt(`0b${bitsToAscii(bits)}`); // floor(e * 2^398)
    expect(((scaled * 10n ** 50n) >> 398n).toString()).toBe(
      '271828182845904523536028747135266249775724709369995',
    );
  });

  it('is a prefix-stable expansion (more digits never change earlier ones)', () => {
    const short = bitsToAscii(binaryExpansionOfE(5_000));
    expect(bitsToAscii(binaryExpansionOfE(20_000)).startsWith(short)).toBe(true);
  });

  it('computes 10^6 digits in well under the test budget', () => {
    const started = performance.now();
    const bits = binaryExpansionOfE(1_000_000);
    const elapsed = performance.now() - started;
    expect(bits).toHaveLength(1_000_000);
    // data/data.e has 500,029 ones among its 10^6 digits (Appendix B: S_n = 58).
    expect(bits.reduce((sum, b) => sum + b, 0)).toBe(500_029);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('refuses fewer than the two integer digits', () => {
    expect(() => binaryExpansionOfE(1)).toThrow(RangeError);
  });
});
