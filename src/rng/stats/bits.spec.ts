import { bitsFromAscii, bitsFromBytes, bitsToAscii, bytesFromBits } from './bits.js';

describe('bits', () => {
  it('reads bytes most significant bit first, as the NIST STS does', () => {
    expect(bitsToAscii(bitsFromBytes(Buffer.from([0xa5, 0x01])))).toBe('1010010100000001');
    expect(bitsToAscii(bitsFromBytes(Buffer.from([0xf0]), 3))).toBe('111');
  });

  it('refuses more bits than the bytes hold', () => {
    expect(() => bitsFromBytes(Buffer.from([1]), 9)).toThrow(RangeError);
  });

  it('reads ASCII digits and ignores whitespace', () => {
    expect(bitsToAscii(bitsFromAscii(' 1 0\n11\r\n\t0 '))).toBe('10110');
  });

  it('packs bits back into the same bytes', () => {
    const bytes = Buffer.from('a50193ff00', 'hex');
    expect(bytesFromBits(bitsFromBytes(bytes))).toEqual(bytes);
    expect(bytesFromBits(bitsFromAscii('101'))).toEqual(Buffer.from([0xa0]));
  });

  it('refuses anything but binary digits', () => {
    expect(() => bitsFromAscii('1012')).toThrow(/character 3/);
  });
});
