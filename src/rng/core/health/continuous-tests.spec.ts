import { randomBytes } from 'node:crypto';
import { AdaptiveProportionTest } from './adaptive-proportion-test.js';
import { RepetitionCountTest } from './repetition-count-test.js';

function trips(test: { feed(sample: number): unknown }, samples: Iterable<number>): number[] {
  const at: number[] = [];
  let i = 0;
  for (const sample of samples) {
    if (test.feed(sample) !== undefined) at.push(i);
    i++;
  }
  return at;
}

describe('RepetitionCountTest (SP 800-90B 4.4.1)', () => {
  it('trips when a value occurs cutoff times in a row, not before', () => {
    expect(trips(new RepetitionCountTest(6), [1, 7, 7, 7, 7, 7, 2])).toEqual([]);
    expect(trips(new RepetitionCountTest(6), [1, 7, 7, 7, 7, 7, 7])).toEqual([6]);
  });

  it('reports the sample, the run length and the cutoff', () => {
    const test = new RepetitionCountTest(3);
    [9, 9].forEach((s) => test.feed(s));
    expect(test.feed(9)).toEqual({ sample: 9, count: 3, cutoff: 3 });
  });

  it('carries its state across blocks', () => {
    const test = new RepetitionCountTest(4);
    expect(trips(test, [5, 5])).toEqual([]);
    expect(trips(test, [5, 5])).toEqual([1]);
  });

  it('restarts the run on any change, including back to an earlier value', () => {
    expect(trips(new RepetitionCountTest(3), [4, 4, 5, 4, 4, 5, 5])).toEqual([]);
  });
});

describe('AdaptiveProportionTest (SP 800-90B 4.4.2)', () => {
  it('counts only the first sample of each window, including itself', () => {
    // W = 8, C = 4: window [3,3,1,3,2,3,...] reaches B = 4 at index 5.
    expect(trips(new AdaptiveProportionTest(8, 4), [3, 3, 1, 3, 2, 3, 0, 0])).toEqual([5]);
    // The same values spread over two windows never reach 4 within one.
    expect(trips(new AdaptiveProportionTest(8, 4), [1, 2, 2, 2, 0, 0, 0, 0, 2, 2, 1, 1, 1, 1, 1, 1])).toEqual(
      [],
    );
  });

  it('ignores values other than the window reference', () => {
    // 0 fills the window but the reference is 9, seen once.
    expect(trips(new AdaptiveProportionTest(8, 3), [9, 0, 0, 0, 0, 0, 0, 0])).toEqual([]);
  });

  it('starts a new window after exactly W samples', () => {
    const windowed = [7, 1, 2, 3, 7, 7, 7, 7]; // second window starts at index 4 with 7
    expect(trips(new AdaptiveProportionTest(4, 3), windowed)).toEqual([6, 7]);
  });

  it('gives the same verdict however the stream is split', () => {
    const stream = randomBytes(20_000).map((b) => (b < 64 ? 0 : b)); // value 0 has probability ~1/4
    const whole = trips(new AdaptiveProportionTest(512, 62), stream);
    const split = new AdaptiveProportionTest(512, 62);
    const pieces: number[] = [];
    for (let offset = 0; offset < stream.length; offset += 333) {
      trips(split, stream.subarray(offset, offset + 333)).forEach((i) => pieces.push(offset + i));
    }
    expect(pieces).toEqual(whole);
  });
});
