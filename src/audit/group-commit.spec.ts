import { GroupCommit, type Overflow } from './group-commit.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('GroupCommit', () => {
  it('writes what gathers while a commit runs in the next single commit', async () => {
    const batches: number[][] = [];
    const gate = deferred();
    const commit = new GroupCommit<number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate.promise;
      },
      { maxPending: 100, maxBatch: 100 },
    );
    const first = commit.add(1);
    const rest = [2, 3, 4].map((n) => commit.add(n));
    gate.resolve();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('bounds a batch and the queue, and reports what overflowed once', async () => {
    const batches: Array<{ items: number[]; overflow?: Overflow }> = [];
    const gate = deferred();
    const commit = new GroupCommit<number>(
      async (items, overflow) => {
        batches.push({ items, overflow });
        if (batches.length === 1) await gate.promise;
      },
      { maxPending: 3, maxBatch: 2 },
    );
    const t0 = new Date('2026-01-01T00:00:00Z');
    const t9 = new Date('2026-01-01T00:00:09Z');
    const waits = [commit.add(0)];
    for (let i = 1; i <= 5; i++) waits.push(commit.add(i, i === 4 ? t0 : t9));
    gate.resolve();
    await Promise.all(waits);
    await commit.flush();
    expect(batches.map((b) => b.items)).toEqual([[0], [1, 2], [3]]);
    expect(batches[1].overflow).toEqual({ count: 2, first: t0, last: t9 });
  });

  it('releases the callers when a commit fails, and keeps going', async () => {
    let calls = 0;
    const commit = new GroupCommit<number>(
      async () => {
        calls++;
        if (calls === 1) throw new Error('database down');
      },
      { maxPending: 10, maxBatch: 10 },
    );
    await expect(commit.add(1)).resolves.toBeUndefined();
    await expect(commit.add(2)).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });
});
