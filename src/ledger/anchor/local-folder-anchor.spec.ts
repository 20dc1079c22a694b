import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AnchorConflictError, AnchorIntegrityError, InvalidCheckpointError } from './anchor-errors.js';
import { sha256Hex } from './checkpoint-note.js';
import { LocalFolderAnchor } from './local-folder-anchor.js';
import { signedCheckpoint } from './testing/signed-checkpoint-note.js';

describe('LocalFolderAnchor', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fairdraw-anchor-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores the note verbatim in a read-only file named by the padded tree size', async () => {
    const checkpoint = signedCheckpoint(42);
    const before = Date.now();
    const receipt = await new LocalFolderAnchor(dir).anchor(checkpoint);

    const path = join(dir, 'checkpoints', '00000000000000000042.note');
    expect(receipt).toEqual({
      anchor: 'local',
      location: path,
      anchoredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      sha256: sha256Hex(Buffer.from(checkpoint.note, 'utf8')),
    });
    expect(Date.parse(receipt.anchoredAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(await readFile(path, 'utf8')).toBe(checkpoint.note);
    expect((await stat(path)).mode & 0o777).toBe(0o444);
    expect(await readdir(join(dir, 'checkpoints'))).toEqual(['00000000000000000042.note']);
  });

  it('returns the existing receipt when the same note is anchored again', async () => {
    const anchor = new LocalFolderAnchor(dir);
    const first = await anchor.anchor(signedCheckpoint(3));
    await new Promise((r) => setTimeout(r, 20));
    expect(await anchor.anchor(signedCheckpoint(3))).toEqual(first);
  });

  it('refuses a different note for an anchored tree size and keeps the first one', async () => {
    const anchor = new LocalFolderAnchor(dir);
    const original = signedCheckpoint(3, 'original');
    await anchor.anchor(original);

    const fork = signedCheckpoint(3, 'fork');
    const refusal = anchor.anchor(fork);
    await expect(refusal).rejects.toThrow(AnchorConflictError);
    await expect(refusal).rejects.toMatchObject({
      treeSize: 3,
      anchoredSha256: sha256Hex(Buffer.from(original.note)),
      attemptedSha256: sha256Hex(Buffer.from(fork.note)),
    });
    expect(await anchor.read(3)).toEqual(original);
  });

  it('lets exactly one of two concurrent different notes for one tree size win', async () => {
    const anchor = new LocalFolderAnchor(dir);
    const results = await Promise.allSettled([
      anchor.anchor(signedCheckpoint(8, 'a')),
      new LocalFolderAnchor(dir).anchor(signedCheckpoint(8, 'b')),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(AnchorConflictError);
    expect(await readdir(join(dir, 'checkpoints'))).toEqual(['00000000000000000008.note']);
  });

  it('refuses a checkpoint whose tree size or root contradicts its note, writing nothing', async () => {
    const anchor = new LocalFolderAnchor(dir);
    await expect(anchor.anchor({ ...signedCheckpoint(5), treeSize: 6 })).rejects.toThrow(
      InvalidCheckpointError,
    );
    await expect(anchor.anchor({ ...signedCheckpoint(5), rootHash: '00'.repeat(32) })).rejects.toThrow(
      InvalidCheckpointError,
    );
    expect(await anchor.list()).toEqual([]);
  });

  it('lists in numeric order, reads by size and finds the latest', async () => {
    const anchor = new LocalFolderAnchor(dir);
    expect(await anchor.latest()).toBeNull();
    expect(await anchor.list()).toEqual([]);
    for (const size of [10, 2, 1000, 0]) await anchor.anchor(signedCheckpoint(size));

    expect(await anchor.list()).toEqual(
      [0, 2, 10, 1000].map((treeSize) => ({
        treeSize,
        location: join(dir, 'checkpoints', `${String(treeSize).padStart(20, '0')}.note`),
      })),
    );
    expect(await anchor.latest()).toEqual(signedCheckpoint(1000));
    expect(await anchor.read(2)).toEqual(signedCheckpoint(2));
    expect(await anchor.read(3)).toBeNull();
  });

  it('survives a new instance on the same folder', async () => {
    const receipt = await new LocalFolderAnchor(dir).anchor(signedCheckpoint(9));
    const reopened = new LocalFolderAnchor(dir);
    expect(await reopened.latest()).toEqual(signedCheckpoint(9));
    expect(await reopened.anchor(signedCheckpoint(9))).toEqual(receipt);
    await expect(reopened.anchor(signedCheckpoint(9, 'other'))).rejects.toThrow(AnchorConflictError);
  });

  it('ignores the temporary file of a write that crashed before publishing', async () => {
    const anchor = new LocalFolderAnchor(dir);
    await anchor.anchor(signedCheckpoint(1));
    await writeFile(join(dir, 'checkpoints', '.00000000000000000002.note.123.abcdef.tmp'), 'half written');

    expect((await anchor.list()).map((entry) => entry.treeSize)).toEqual([1]);
    await anchor.anchor(signedCheckpoint(2));
    expect(await anchor.latest()).toEqual(signedCheckpoint(2));
  });

  it('reports a file whose note does not match its name as an integrity failure', async () => {
    const anchor = new LocalFolderAnchor(dir);
    await anchor.anchor(signedCheckpoint(1));
    await writeFile(join(dir, 'checkpoints', '00000000000000000005.note'), signedCheckpoint(4).note);
    await writeFile(join(dir, 'checkpoints', '00000000000000000006.note'), 'not a note');

    await expect(anchor.read(5)).rejects.toThrow(AnchorIntegrityError);
    await expect(anchor.read(6)).rejects.toThrow(AnchorIntegrityError);
    await expect(anchor.latest()).rejects.toThrow(AnchorIntegrityError);
  });
});
