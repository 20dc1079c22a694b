// Every RFC 9162 vector file in shared/vectors/rfc9162 must be accepted (wantErr: false) or rejected
// (wantErr: true) by our verifiers.
import { ProofError } from './proof-error.js';
import { verifyConsistency, verifyInclusion } from './proof-verify.js';
import { countVectorFiles, loadConsistencyVectors, loadInclusionVectors } from './testing/rfc9162-vectors.js';

function outcome(run: () => void): string {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof ProofError)) throw error;
    return 'rejected';
  }
}

describe('RFC 9162 vectors (transparency-dev/merkle testdata)', () => {
  const inclusion = loadInclusionVectors();
  const consistency = loadConsistencyVectors();

  it('finds every vector file present', () => {
    expect(inclusion.length).toBeGreaterThan(0);
    expect(consistency.length).toBeGreaterThan(0);
    expect(inclusion.length).toBe(countVectorFiles('inclusion'));
    expect(consistency.length).toBe(countVectorFiles('consistency'));
    // Both kinds include happy paths, so a verifier that rejects everything fails below.
    expect(inclusion.some((v) => !v.wantErr)).toBe(true);
    expect(consistency.some((v) => !v.wantErr)).toBe(true);
  });

  it('verifies every inclusion vector as its wantErr says', () => {
    const results = inclusion.map((v) => ({
      file: v.file,
      got: outcome(() => verifyInclusion(v.leafIdx, v.treeSize, v.leafHash, v.proof, v.root)),
    }));
    expect(results).toEqual(
      inclusion.map((v) => ({ file: v.file, got: v.wantErr ? 'rejected' : 'accepted' })),
    );
  });

  it('verifies every consistency vector as its wantErr says', () => {
    const results = consistency.map((v) => ({
      file: v.file,
      got: outcome(() => verifyConsistency(v.size1, v.size2, v.proof, v.root1, v.root2)),
    }));
    expect(results).toEqual(
      consistency.map((v) => ({ file: v.file, got: v.wantErr ? 'rejected' : 'accepted' })),
    );
  });

  it('rejects indices beyond 2^53-1 as invalid arguments, never by accident', () => {
    const big = inclusion.filter((v) => v.beyondSafeIntegers);
    expect(big.length).toBeGreaterThan(0);
    for (const v of big) {
      expect(v.wantErr).toBe(true);
      expect(() => verifyInclusion(v.leafIdx, v.treeSize, v.leafHash, v.proof, v.root)).toThrow(
        expect.objectContaining({ reason: 'INVALID_ARGUMENT' }),
      );
    }
  });

  it('names the reason of a rejection', () => {
    const byFile = (file: string) =>
      inclusion.find((v) => v.file === file) ?? consistency.find((v) => v.file === file);
    const reasonOf = (file: string): string => {
      const v = byFile(file);
      if (!v) throw new Error(`no vector ${file}`);
      try {
        if ('leafIdx' in v) verifyInclusion(v.leafIdx, v.treeSize, v.leafHash, v.proof, v.root);
        else verifyConsistency(v.size1, v.size2, v.proof, v.root1, v.root2);
      } catch (error) {
        return (error as ProofError).reason;
      }
      return 'accepted';
    };
    expect(reasonOf('inclusion/1/wrong-leaf.json')).toBe('BAD_HASH_LENGTH');
    expect(reasonOf('inclusion/1/trailing-root.json')).toBe('WRONG_PROOF_LENGTH');
    expect(reasonOf('inclusion/1/modified-proof[1]-bit-@3.json')).toBe('ROOT_MISMATCH');
    expect(reasonOf('inclusion/2/leafIdx-plus-@1.json')).toBe('ROOT_MISMATCH');
    expect(reasonOf('consistency/2/swapped-roots.json')).toBe('ROOT_MISMATCH');
    expect(reasonOf('consistency/1/empty-proof.json')).toBe('WRONG_PROOF_LENGTH');
    expect(reasonOf('consistency/additional/size1-is-greater-than-size2.json')).toBe('SIZE_ORDER');
    expect(reasonOf('consistency/additional/sizes-are-equal-zero-and-proof-is-empty.json')).toBe(
      'EMPTY_TREE',
    );
    expect(reasonOf('consistency/3/happy-path.json')).toBe('accepted');
  });
});
