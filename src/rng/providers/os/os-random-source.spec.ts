import { RngProviderError } from '../random-source.js';
import { OsRandomSource } from './os-random-source.js';

describe('OsRandomSource', () => {
  it('declares itself as the uncertified OS generator', () => {
    const source = new OsRandomSource();
    expect(source.provider).toBe('os');
    expect(source.certified).toBe(false);
    expect(source.identity).toBe('os:node-crypto');
  });

  it('returns buffers of the requested length that differ from call to call', async () => {
    const source = new OsRandomSource();
    await source.open();
    const lengths = [0, 1, 32, 1000, 70_000];
    const outputs = await Promise.all(lengths.map((n) => source.generate(n)));
    expect(outputs.map((b) => b.length)).toEqual(lengths);
    const first = await source.generate(32);
    const second = await source.generate(32);
    expect(first.equals(second)).toBe(false);
    await source.close();
  });

  it('refuses to generate before open, after close, and for a nonsense length', async () => {
    const source = new OsRandomSource();
    await expect(source.generate(8)).rejects.toMatchObject({ provider: 'os', reason: 'not-open' });
    await source.open();
    await expect(source.generate(-1)).rejects.toMatchObject({ reason: 'invalid-request' });
    await expect(source.generate(1.5)).rejects.toBeInstanceOf(RngProviderError);
    await source.close();
    await expect(source.generate(8)).rejects.toMatchObject({ reason: 'closed' });
    await expect(source.open()).rejects.toMatchObject({ reason: 'closed' });
  });
});
