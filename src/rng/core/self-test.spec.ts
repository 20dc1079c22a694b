import { runRngSelfTest } from './self-test.js';

describe('runRngSelfTest', () => {
  it('passes every known-answer check and reports each one', () => {
    const result = runRngSelfTest();
    expect(result.passed).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual([
      'uniformInt n=10',
      'uniformInt n=1000',
      'uniformInt n=2^53',
      'uniformInt n=2^53-1',
      'selectDistinct 3 of 5',
      'selectWithRepeats 3 of 6',
      'RCT cutoff H=4',
      'APT cutoff H=4',
      'RCT trips at the 6th repeat',
      'APT trips at the 62nd occurrence',
    ]);
    for (const check of result.checks) expect(check.actual).toEqual(check.expected);
  });

  it('is fast enough to run before every start-up', () => {
    const started = performance.now();
    runRngSelfTest();
    expect(performance.now() - started).toBeLessThan(250);
  });
});
