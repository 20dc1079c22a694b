import { randomBytes, randomInt } from 'node:crypto';
import { bitsFromBytes } from '../bits.js';
import { aperiodicTemplates, isAperiodic } from './aperiodic-templates.js';
import { linearComplexity } from './berlekamp-massey.js';
import { gf2Rank } from './gf2-rank.js';
import { rankProbability } from './matrix-rank.js';
import { shorterPatternCounts, wrappedPatternCounts } from './pattern-counts.js';

/** Textbook Berlekamp-Massey over GF(2) on plain arrays (SP 800-22 section 2.10.4 (2)). */
function naiveLinearComplexity(s: number[]): number {
  const n = s.length;
  const c = new Array<number>(n + 1).fill(0);
  let b = new Array<number>(n + 1).fill(0);
  c[0] = 1;
  b[0] = 1;
  let L = 0;
  let m = -1;
  for (let N = 0; N < n; N++) {
    let d = s[N];
    for (let i = 1; i <= L; i++) d ^= c[i] & s[N - i];
    if (d === 1) {
      const t = c.slice();
      for (let i = 0; i + N - m <= n; i++) c[i + N - m] ^= b[i];
      if (L <= N / 2) {
        L = N + 1 - L;
        m = N;
        b = t;
      }
    }
  }
  return L;
}

function naiveRank(rows: number[], columns: number): number {
  const m = rows.map((r) => Array.from({ length: columns }, (_, j) => (r >>> j) & 1));
  let rank = 0;
  for (let col = 0; col < columns; col++) {
    const pivot = m.findIndex((row, i) => i >= rank && row[col] === 1);
    if (pivot < 0) continue;
    [m[rank], m[pivot]] = [m[pivot], m[rank]];
    for (let i = 0; i < m.length; i++) if (i !== rank && m[i][col]) m[i] = m[i].map((v, j) => v ^ m[rank][j]);
    rank++;
  }
  return rank;
}

describe('Berlekamp-Massey (packed)', () => {
  it('agrees with the textbook algorithm on random blocks of many lengths', () => {
    for (let trial = 0; trial < 300; trial++) {
      const length = randomInt(1, 700);
      const bits = bitsFromBytes(randomBytes(Math.ceil(length / 8)), length);
      expect(linearComplexity(bits, 0, length)).toBe(naiveLinearComplexity(Array.from(bits)));
    }
  });

  it('finds the degree of a maximal LFSR and 0 for all zeros', () => {
    // x^7 + x + 1 (primitive): s_(k+7) = s_(k+1) + s_k, linear complexity 7.
    const s = [1, 0, 0, 0, 0, 0, 0];
    while (s.length < 500) s.push(s[s.length - 6] ^ s[s.length - 7]);
    expect(linearComplexity(Uint8Array.from(s), 0, 500)).toBe(7);
    expect(linearComplexity(new Uint8Array(500), 0, 500)).toBe(0);
    expect(linearComplexity(Uint8Array.from([0, 0, 0, 1]), 0, 4)).toBe(4);
  });
});

describe('gf2Rank', () => {
  it('agrees with plain elimination on random 32 x 32 matrices and rank-deficient ones', () => {
    for (let trial = 0; trial < 200; trial++) {
      const rows = Array.from({ length: 32 }, () => randomBytes(4).readUInt32BE(0));
      if (trial % 4 === 0) rows[randomInt(0, 32)] = rows[randomInt(0, 32)] ^ rows[randomInt(0, 32)];
      expect(gf2Rank(Uint32Array.from(rows), 32)).toBe(naiveRank(rows, 32));
    }
    expect(gf2Rank(new Uint32Array(32), 32)).toBe(0);
  });

  it('gives the probabilities of SP 800-22 section 3.5 (0.2888, 0.5776, 0.1336)', () => {
    expect(rankProbability(32)).toBeCloseTo(0.2888, 4);
    expect(rankProbability(31)).toBeCloseTo(0.5776, 4);
    expect(1 - rankProbability(32) - rankProbability(31)).toBeCloseTo(0.1336, 4);
  });
});

describe('aperiodic templates', () => {
  it('counts 2, 4, 6, 12, 20, 40, 74, 148 templates for m = 2..9 (the NIST STS template files)', () => {
    expect([2, 3, 4, 5, 6, 7, 8, 9].map((m) => aperiodicTemplates(m).length)).toEqual([
      2, 4, 6, 12, 20, 40, 74, 148,
    ]);
    expect(aperiodicTemplates(9).slice(0, 3)).toEqual(['000000001', '000000011', '000000101']);
  });

  it('recognises self-overlapping words', () => {
    expect(isAperiodic('000000001')).toBe(true);
    expect(isAperiodic('101')).toBe(false);
    expect(isAperiodic('111111111')).toBe(false);
  });
});

describe('wrapped pattern counts', () => {
  it('match a direct count with wrap-around, and shorter counts are sums of prefixes', () => {
    const bits = bitsFromBytes(randomBytes(125));
    for (const length of [1, 2, 3, 5, 8]) {
      const counts = wrappedPatternCounts(bits, length);
      const direct = new Uint32Array(2 ** length);
      for (let i = 0; i < bits.length; i++) {
        let v = 0;
        for (let j = 0; j < length; j++) v = v * 2 + bits[(i + j) % bits.length];
        direct[v]++;
      }
      expect(counts).toEqual(direct);
      if (length > 1) expect(shorterPatternCounts(counts)).toEqual(wrappedPatternCounts(bits, length - 1));
    }
  });
});
