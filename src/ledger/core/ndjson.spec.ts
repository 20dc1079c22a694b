import { lineBatches, splitLines, Utf8Error } from './ndjson.js';

async function collect(chunks: (string | Buffer)[]): Promise<string[]> {
  async function* source() {
    yield* chunks;
  }
  const lines: string[] = [];
  for await (const line of splitLines(source())) lines.push(line);
  return lines;
}

describe('splitLines', () => {
  it('splits across chunk boundaries and keeps a last line without newline', async () => {
    expect(await collect(['a\nbc', 'd\n\ne', 'f'])).toEqual(['a', 'bcd', '', 'ef']);
    expect(await collect(['a\n'])).toEqual(['a']);
    expect(await collect([])).toEqual([]);
    expect(await collect(['x\r\ny\r\n'])).toEqual(['x\r', 'y\r']);
  });

  it('decodes UTF-8 split inside a character, at every split point', async () => {
    const bytes = Buffer.from('é€𝄞\nok\n', 'utf8');
    expect(await collect([...bytes].map((b) => Buffer.from([b])))).toEqual(['é€𝄞', 'ok']);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(await collect([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(['é€𝄞', 'ok']);
    }
  });

  it('yields one batch of lines per chunk', async () => {
    async function* source() {
      yield Buffer.from('a\nb\nc');
      yield Buffer.from('d\n');
      yield Buffer.from('e');
    }
    const batches: string[][] = [];
    for await (const batch of lineBatches(source())) batches.push(batch);
    expect(batches).toEqual([['a', 'b'], ['cd'], ['e']]);
  });

  it('rejects invalid UTF-8, also a character cut off at the end, naming the byte range of the line', async () => {
    await expect(collect([Buffer.from('ok\n'), Buffer.from([0x61, 0xff, 0x0a])])).rejects.toThrow(
      new Utf8Error('not valid UTF-8 (in bytes 3 to 5)'),
    );
    await expect(collect([Buffer.from([0xed, 0xa0, 0x80, 0x0a])])).rejects.toThrow(Utf8Error); // a UTF-16 surrogate
    await expect(collect([Buffer.from([0x61, 0xe2, 0x82])])).rejects.toThrow(
      new Utf8Error('not valid UTF-8 (in bytes 0 to 3)'),
    );
  });
});
