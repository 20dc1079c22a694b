import { dom } from 'ion-js';
import { canonicalJson } from '../core/canonical-json.js';
import { IonConversionError, ionToJson } from './ion-json.js';

const convert = (ion: string) => ionToJson(dom.load(ion)!);

describe('ionToJson', () => {
  it('keeps what JSON.stringify on ion-js values loses', () => {
    const ion = '{n:123456789012345678901234567890, d:1.50, t:2019-12-11T07:20:51.123456789Z}';
    // The hazard: ion-js values serialised directly.
    expect(JSON.stringify(dom.load(ion))).not.toContain('123456789012345678901234567890');
    expect(convert(ion)).toEqual({
      n: '123456789012345678901234567890',
      d: '1.50',
      t: '2019-12-11T07:20:51.123456789Z',
    });
  });

  it.each([
    ['9007199254740991', 9007199254740991],
    ['-9007199254740991', -9007199254740991],
    ['9007199254740992', '9007199254740992'],
    ['-12345678901234567890', '-12345678901234567890'],
    ['0x10', 16],
    ['1.50', '1.50'],
    ['-0.', '-0'],
    ['1d-9', '1E-9'],
    ['0.130', '0.130'],
    ['1.5e0', 1.5],
    ['-0e0', '-0e0'],
    ['nan', 'nan'],
    ['+inf', '+inf'],
    ['-inf', '-inf'],
    ['1e300', '1e+300'],
    ['2019-12-11T07:20:51.123456789Z', '2019-12-11T07:20:51.123456789Z'],
    ['2019-12-11T07:20:51.123456789-00:00', '2019-12-11T07:20:51.123456789-00:00'],
    ['2019-12-11T07:20+05:30', '2019-12-11T07:20+05:30'],
    ['1963-08-19T', '1963-08-19'],
    ['2007-02T', '2007-02'],
    ['2007T', '2007'],
    ['sym', 'sym'],
    ['"Zoë"', 'Zoë'],
    ['{{aGVsbG8=}}', 'aGVsbG8='],
    ['{{"clob"}}', Buffer.from('clob').toString('base64')],
    ['null', null],
    ['null.int', null],
    ['null.struct', null],
    ['true', true],
    ['(a b 1)', ['a', 'b', 1]],
    ['ann::5', 5],
  ])('%s -> %j', (ion, json) => {
    expect(convert(ion)).toEqual(json);
  });

  it('turns a repeated field name into an array of its values', () => {
    expect(convert('{a:1, a:2, b:3}')).toEqual({ a: [1, 2], b: 3 });
  });

  it('keeps a field named __proto__ as an ordinary key', () => {
    const value = convert('{"__proto__":{polluted:true}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(canonicalJson(value)).toBe('{"__proto__":{"polluted":true}}');
  });

  it('produces values the journal accepts', () => {
    const value = convert(
      '{big:123456789012345678901234567890, f:1e300, z:-0e0, n:nan, d:-0., t:2007T, l:[{{AA==}}, null.blob]}',
    );
    expect(() => canonicalJson(value)).not.toThrow();
  });

  it('refuses U+0000, which a journal payload cannot carry, and says where it is', () => {
    expect(() => convert('{a:[1, {b:"x\\0y"}]}')).toThrow(IonConversionError);
    expect(() => convert('{a:[1, {b:"x\\0y"}]}')).toThrow(
      'string contains U+0000, which a journal payload cannot carry at $.a[1].b',
    );
  });
});
