import {
  DEFAULT_HEALTH_PARAMETERS,
  adaptiveProportionCutoff,
  healthCutoffs,
  repetitionCountCutoff,
} from './health-parameters.js';

describe('SP 800-90B section 4.4 cutoffs', () => {
  it.each([
    [0.5, 41],
    [1, 21],
    [2, 11],
    [4, 6],
    [8, 4],
  ])('RCT cutoff for H=%d is 1 + ceil(20/H) = %d', (h, cutoff) => {
    expect(repetitionCountCutoff(h, 2 ** -20)).toBe(cutoff);
  });

  it('RCT cutoff follows alpha', () => {
    expect(repetitionCountCutoff(4, 2 ** -40)).toBe(11);
  });

  // Non-binary column (W = 512) of the cutoff table in SP 800-90B section 4.4.2 for alpha = 2^-20;
  // 410 (H=0.5) and 13 (H=8) are also quoted by Go's crypto/internal/entropy and Nordic's CRACEN.
  it.each([
    [0.5, 410],
    [1, 311],
    [2, 177],
    [4, 62],
    [8, 13],
  ])('APT cutoff for W=512, H=%d is %d', (h, cutoff) => {
    expect(adaptiveProportionCutoff(512, h, 2 ** -20)).toBe(cutoff);
  });

  it('APT cutoff for a binary source (W=1024, H=1) is 589', () => {
    expect(adaptiveProportionCutoff(1024, 1, 2 ** -20)).toBe(589);
  });

  it('derives the defaults: H = 4 bits per byte, alpha = 2^-20, W = 512', () => {
    expect(DEFAULT_HEALTH_PARAMETERS).toEqual({ minEntropyPerSample: 4, alpha: 2 ** -20, windowSize: 512 });
    expect(healthCutoffs()).toEqual({ repetitionCount: 6, adaptiveProportion: 62, windowSize: 512 });
  });

  it('refuses an impossible min-entropy', () => {
    expect(() => repetitionCountCutoff(0, 2 ** -20)).toThrow(RangeError);
    expect(() => adaptiveProportionCutoff(512, 9, 2 ** -20)).toThrow(RangeError);
  });
});
