/**
 * Parameters of the SP 800-22 suite. The defaults are those of SP 800-22 rev1a Appendix B (the
 * reference results for e, pi, sqrt 2, sqrt 3 and SHA-1), so a report run with defaults is
 * directly comparable with the published table and with the NIST STS run the same way.
 */
export interface SuiteParameters {
  /** Significance level of each test; RNG-4 asks for 99% confidence. */
  alpha: number;
  /** Frequency within a Block, M. */
  blockFrequencyBlockLength: number;
  /** Non-overlapping Template Matching, m. */
  nonOverlappingTemplateLength: number;
  /** Templates evaluated ('all' = every aperiodic template of length m, 148 for m = 9). */
  nonOverlappingTemplates: string[] | 'all';
  /** Overlapping Template Matching, m (template of m ones, M = 1032). */
  overlappingTemplateLength: number;
  /** Linear Complexity, M. */
  linearComplexityBlockLength: number;
  /** Serial, m. */
  serialBlockLength: number;
  /** Approximate Entropy, m. */
  approximateEntropyBlockLength: number;
}

export const APPENDIX_B_PARAMETERS: Readonly<SuiteParameters> = Object.freeze({
  alpha: 0.01,
  blockFrequencyBlockLength: 128,
  nonOverlappingTemplateLength: 9,
  nonOverlappingTemplates: Object.freeze(['000000001']) as string[],
  overlappingTemplateLength: 9,
  linearComplexityBlockLength: 500,
  serialBlockLength: 16,
  approximateEntropyBlockLength: 10,
});
