import fc from 'fast-check';
import {
  codeFromBytes,
  newVerificationCodes,
  normalizeVerificationCode,
  offlineVerificationCode,
} from './verification-code.js';

describe('verification codes', () => {
  it('prints 16 Crockford symbols in four groups', () => {
    const code = codeFromBytes(Buffer.alloc(10, 0xff));
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(codeFromBytes(Buffer.alloc(10))).toBe('0000-0000-0000-0000');
  });

  it('reads back what a person types, and rejects typos by the check symbol', () => {
    const [code] = newVerificationCodes(1);
    expect(normalizeVerificationCode(code)).toBe(code);
    expect(normalizeVerificationCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code);
    const typo = code.slice(0, 2) + (code[2] === '7' ? '8' : '7') + code.slice(3);
    expect(normalizeVerificationCode(typo)).toBeUndefined();
    expect(normalizeVerificationCode('')).toBeUndefined();
    expect(normalizeVerificationCode('UUUU-UUUU-UUUU-UUUU')).toBeUndefined();
  });

  it('catches every single-symbol change (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 10, maxLength: 10 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 1, max: 31 }),
        (bytes, position, shift) => {
          const code = codeFromBytes(bytes).replace(/-/g, '');
          const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
          const changed = alphabet[(alphabet.indexOf(code[position]) + shift) % 32];
          const typed = code.slice(0, position) + changed + code.slice(position + 1);
          expect(normalizeVerificationCode(typed)).toBeUndefined();
        },
      ),
    );
  });

  it('gives distinct codes from one CSPRNG call', () => {
    const codes = newVerificationCodes(1_000);
    expect(new Set(codes).size).toBe(1_000);
    for (const code of codes.slice(0, 50)) expect(normalizeVerificationCode(code)).toBe(code);
  });

  it('derives the offline code of a sale from the block key, so the service can check it', () => {
    const key = Buffer.alloc(32, 7);
    const code = offlineVerificationCode(key, 'r1', 11, 15);
    expect(normalizeVerificationCode(code)).toBe(code);
    expect(offlineVerificationCode(key, 'r1', 11, 15)).toBe(code);
    expect(offlineVerificationCode(key, 'r1', 11, 16)).not.toBe(code);
    expect(offlineVerificationCode(Buffer.alloc(32, 8), 'r1', 11, 15)).not.toBe(code);
  });
});
