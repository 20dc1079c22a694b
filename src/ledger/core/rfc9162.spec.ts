import { createHash } from 'node:crypto';
import { emptyRoot, HASH_SIZE, leafHash, leafHashOfUtf8, nodeHash } from './rfc9162.js';

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

describe('RFC 9162 hashing', () => {
  it('hashes the empty tree as SHA-256 of the empty string', () => {
    expect(emptyRoot().toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('prefixes leaves with 0x00 and nodes with 0x01', () => {
    // Known values from RFC 6962 test data (transparency-dev/merkle rfc6962_test.go).
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    expect(leafHash(Buffer.from('L123456')).toString('hex')).toBe(
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
    expect(nodeHash(Buffer.from('N123'), Buffer.from('N456')).toString('hex')).toBe(
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
    const l = Buffer.alloc(HASH_SIZE, 0xaa);
    const r = Buffer.alloc(HASH_SIZE, 0xbb);
    expect(nodeHash(l, r)).toEqual(sha256(Buffer.from([1]), l, r));
    expect(nodeHash(l, r)).not.toEqual(nodeHash(r, l));
  });

  it('accepts Uint8Array and returns Buffers', () => {
    const data = new Uint8Array([1, 2, 3]);
    expect(Buffer.isBuffer(leafHash(data))).toBe(true);
    expect(leafHash(data)).toEqual(sha256(Buffer.from([0, 1, 2, 3])));
  });

  it('hashes UTF-8 text as a leaf without copying it first', () => {
    for (const text of ['', 'abc', '{"é":"€𝄞"}', '\u0000x']) {
      expect(leafHashOfUtf8(text)).toEqual(leafHash(Buffer.from(text, 'utf8')));
    }
  });
});
