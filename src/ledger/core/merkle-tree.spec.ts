import { MerkleTree, MerkleTreeError } from './merkle-tree.js';
import { emptyRoot, leafHash, nodeHash } from './rfc9162.js';

// The eight leaves of the RFC 6962 test tree behind shared/vectors/rfc9162, and its published roots.
const DATA = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('MerkleTree (RFC 9162 definitions)', () => {
  const tree = MerkleTree.fromData(DATA.map((hex) => Buffer.from(hex, 'hex')));

  it('computes the published roots of the RFC 6962 test tree at every size', () => {
    expect(tree.root(0)).toEqual(emptyRoot());
    expect(ROOTS.map((_, i) => tree.root(i + 1).toString('hex'))).toEqual(ROOTS);
  });

  it('produces the published inclusion and consistency proofs', () => {
    // From transparency-dev/merkle verify_test.go: leaf 5 (0-based) in the tree of 8.
    expect(tree.inclusionProof(5, 8).map((h) => h.toString('hex'))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(tree.consistencyProof(6, 8).map((h) => h.toString('hex'))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(tree.consistencyProof(4, 4)).toEqual([]);
    expect(tree.inclusionProof(0, 1)).toEqual([]);
  });

  it('hashes perfect subtrees', () => {
    const l = (i: number) => leafHash(Buffer.from(DATA[i], 'hex'));
    expect(tree.subtreeHash({ level: 1, index: 1 })).toEqual(nodeHash(l(2), l(3)));
    expect(tree.subtreeHash({ level: 3, index: 0 })).toEqual(tree.root(8));
    expect(() => tree.subtreeHash({ level: 2, index: 2 })).toThrow(MerkleTreeError);
  });

  it('rejects out-of-range arguments', () => {
    expect(() => tree.root(9)).toThrow(MerkleTreeError);
    expect(() => tree.inclusionProof(8, 8)).toThrow(MerkleTreeError);
    expect(() => tree.consistencyProof(0, 8)).toThrow(MerkleTreeError);
    expect(() => tree.consistencyProof(5, 4)).toThrow(MerkleTreeError);
    expect(() => tree.appendLeafHash(Buffer.alloc(3))).toThrow(MerkleTreeError);
  });
});
