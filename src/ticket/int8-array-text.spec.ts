import { parseInt8ArrayText, rangesFromArrayTexts } from './int8-array-text.js';

describe('int8[] in text form', () => {
  it('reads the elements, up to 2^53 - 1, and the empty array', () => {
    expect([...parseInt8ArrayText('{1,6,11}')]).toEqual([1, 6, 11]);
    expect([...parseInt8ArrayText('{9007199254740991}')]).toEqual([2 ** 53 - 1]);
    expect([...parseInt8ArrayText('{0}')]).toEqual([0]);
    expect(parseInt8ArrayText('{}').length).toBe(0);
    expect(rangesFromArrayTexts('{8,1}', '{12,5}').toArray()).toEqual([
      { first: 8, last: 12 },
      { first: 1, last: 5 },
    ]);
  });

  it('refuses other forms, signs, empty elements, numbers above 2^53 - 1 and unaligned arrays', () => {
    for (const bad of [
      '',
      '1,2',
      '{1,2',
      '1,2}',
      '{-1}',
      '{1,,2}',
      '{,1}',
      '{1,}',
      '{NULL}',
      '{1.5}',
      '{ 1}',
    ]) {
      expect(() => parseInt8ArrayText(bad)).toThrow();
    }
    expect(() => parseInt8ArrayText('{9007199254740992}')).toThrow(/above 2\^53 - 1/);
    expect(() => parseInt8ArrayText('{12345678901234567}')).toThrow(/above 2\^53 - 1/);
    expect(() => rangesFromArrayTexts('{1,2}', '{3}')).toThrow(/2 first numbers but 1 last/);
  });
});
