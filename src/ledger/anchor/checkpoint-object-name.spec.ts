import { checkpointObjectName, treeSizeFromObjectName } from './checkpoint-object-name.js';

describe('checkpoint object names', () => {
  it('pads the tree size to 20 digits so that name order is numeric order', () => {
    expect(checkpointObjectName(42)).toBe('checkpoints/00000000000000000042.note');
    const sizes = [1000, 9, 0, 10, Number.MAX_SAFE_INTEGER, 99];
    const byName = [...sizes].sort((a, b) => (checkpointObjectName(a) < checkpointObjectName(b) ? -1 : 1));
    expect(byName).toEqual([...sizes].sort((a, b) => a - b));
  });

  it('reads a tree size back and ignores anything else', () => {
    expect(treeSizeFromObjectName(checkpointObjectName(Number.MAX_SAFE_INTEGER))).toBe(
      Number.MAX_SAFE_INTEGER,
    );
    expect(treeSizeFromObjectName('checkpoints/42.note')).toBeNull();
    expect(treeSizeFromObjectName('checkpoints/.00000000000000000042.note.1.ab.tmp')).toBeNull();
    expect(treeSizeFromObjectName('checkpoints/99999999999999999999.note')).toBeNull();
  });

  it('refuses tree sizes that are not non-negative safe integers', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53])
      expect(() => checkpointObjectName(bad)).toThrow(RangeError);
  });
});
