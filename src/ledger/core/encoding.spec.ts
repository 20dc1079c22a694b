import { fromBase64Strict, hashFromHex, isHashHex, toBase64, toHex } from './encoding.js';

describe('strict encodings', () => {
  it('accepts only 64 lowercase hex digits as a hash', () => {
    const good = 'ab'.repeat(32);
    expect(isHashHex(good)).toBe(true);
    expect(hashFromHex(good)).toEqual(Buffer.alloc(32, 0xab));
    for (const bad of ['AB'.repeat(32), 'ab'.repeat(31), 'ab'.repeat(32) + '0', 'zz'.repeat(32), 42, null]) {
      expect(isHashHex(bad)).toBe(false);
      expect(() => hashFromHex(bad, 'prevHash')).toThrow(/prevHash must be 64 lowercase hex digits/);
    }
  });

  it('round-trips hex and base64', () => {
    const bytes = new Uint8Array([0, 1, 254, 255]);
    expect(toHex(bytes)).toBe('0001feff');
    expect(toBase64(bytes)).toBe('AAH+/w==');
    expect(fromBase64Strict('AAH+/w==')).toEqual(Buffer.from(bytes));
  });

  it('rejects every non-canonical base64 spelling', () => {
    for (const bad of ['AAH+/w', 'AAH+/w=', 'AAH-_w==', 'AAH+ /w==', 'AAH+/w==\n', 'AAH+/x==', '=', 'A===']) {
      expect(() => fromBase64Strict(bad)).toThrow();
    }
    expect(fromBase64Strict('')).toEqual(Buffer.alloc(0));
  });
});
