import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';

import { startMoto, type MotoServer } from '../../../test/support/moto.js';
import { AnchorConfigurationError, AnchorConflictError, AnchorIntegrityError } from './anchor-errors.js';
import { sha256Hex } from './checkpoint-note.js';
import { S3ObjectLockAnchor, type TamperEvidence } from './s3-object-lock-anchor.js';
import { createObjectLockBucket, uniqueBucketName } from './testing/object-lock-bucket.js';
import { signedCheckpoint } from './testing/signed-checkpoint-note.js';

const DAY_MS = 86_400_000;
const PREFIX = 'fairdraw/test/';

describe('S3ObjectLockAnchor against moto_server', () => {
  let moto: MotoServer;
  let client: S3Client;
  let bucket: string;

  beforeAll(async () => {
    moto = await startMoto();
    client = new S3Client({
      endpoint: moto.endpoint,
      region: moto.region,
      credentials: moto.credentials,
      forcePathStyle: true,
    });
  });

  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  beforeEach(async () => {
    bucket = await createObjectLockBucket(client);
  });

  const anchorIn = (options: Partial<ConstructorParameters<typeof S3ObjectLockAnchor>[0]> = {}) =>
    new S3ObjectLockAnchor({
      client,
      bucket,
      prefix: PREFIX,
      retentionDays: 30,
      mode: 'COMPLIANCE',
      ...options,
    });
  const keyOf = (treeSize: number) => `${PREFIX}checkpoints/${String(treeSize).padStart(20, '0')}.note`;
  const getText = async (key: string, versionId?: string) =>
    (
      await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }))
    ).Body!.transformToString('utf-8');

  it('writes the note verbatim under COMPLIANCE retention until now + retentionDays', async () => {
    const checkpoint = signedCheckpoint(42);
    const before = Date.now();
    const receipt = await anchorIn().anchor(checkpoint);

    expect(receipt).toEqual({
      anchor: 's3',
      location: `s3://${bucket}/${keyOf(42)}`,
      versionId: expect.any(String),
      retainUntil: expect.any(String),
      anchoredAt: expect.any(String),
      sha256: sha256Hex(Buffer.from(checkpoint.note, 'utf8')),
    });
    expect(Date.parse(receipt.anchoredAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(receipt.retainUntil!)).toBeGreaterThanOrEqual(before + 30 * DAY_MS - 1000);
    expect(Date.parse(receipt.retainUntil!)).toBeLessThanOrEqual(Date.now() + 30 * DAY_MS + 1000);

    // moto's GetObjectRetention is broken (it returns the body), so the lock is read from HeadObject.
    const head = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: keyOf(42), VersionId: receipt.versionId }),
    );
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now() + 29 * DAY_MS);
    expect(head.ContentType).toBe('text/plain; charset=utf-8');
    expect(await getText(keyOf(42))).toBe(checkpoint.note);
  });

  it('refuses to delete the anchored version (403 AccessDenied) and it stays readable', async () => {
    const anchor = anchorIn();
    const checkpoint = signedCheckpoint(7);
    const receipt = await anchor.anchor(checkpoint);

    const deletion = client.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(7), VersionId: receipt.versionId }),
    );
    await expect(deletion).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });

    expect(await getText(keyOf(7), receipt.versionId)).toBe(checkpoint.note);
    expect(await anchor.read(7)).toEqual(checkpoint);
  });

  it('returns the existing receipt when the same note is anchored again', async () => {
    const anchor = anchorIn();
    const first = await anchor.anchor(signedCheckpoint(3));
    expect(await anchor.anchor(signedCheckpoint(3))).toEqual(first);
    expect(await anchorIn().anchor(signedCheckpoint(3))).toEqual(first);
    const versions = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: keyOf(3) }));
    expect(versions.Versions).toHaveLength(1);
  });

  it('refuses a different note for an anchored tree size and writes nothing', async () => {
    const anchor = anchorIn();
    const original = signedCheckpoint(3, 'original');
    await anchor.anchor(original);

    const fork = signedCheckpoint(3, 'fork');
    await expect(anchor.anchor(fork)).rejects.toThrow(AnchorConflictError);
    await expect(anchor.anchor(fork)).rejects.toMatchObject({
      treeSize: 3,
      location: `s3://${bucket}/${keyOf(3)}`,
      anchoredSha256: sha256Hex(Buffer.from(original.note)),
      attemptedSha256: sha256Hex(Buffer.from(fork.note)),
    });
    expect(await anchor.read(3)).toEqual(original);
    const versions = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: keyOf(3) }));
    expect(versions.Versions).toHaveLength(1);
  });

  it('lets exactly one of two concurrent different notes for one tree size win', async () => {
    const results = await Promise.allSettled([
      anchorIn().anchor(signedCheckpoint(8, 'a')),
      anchorIn().anchor(signedCheckpoint(8, 'b')),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.map((r) => r.reason)).toEqual([expect.any(AnchorConflictError)]);
  });

  it('decides by the stored note when another writer wins the race between look-up and write', async () => {
    // A second, real client whose first PutObject is preceded by a competitor's conditional write,
    // so the anchor's own If-None-Match write is the one refused with 412.
    const racingClient = (competitor: string) => {
      const racing = new S3Client({
        endpoint: moto.endpoint,
        region: moto.region,
        credentials: moto.credentials,
        forcePathStyle: true,
      });
      let raced = false;
      racing.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'PutObjectCommand' && !raced) {
            raced = true;
            const input = args.input as { Key: string };
            await client.send(
              new PutObjectCommand({
                Bucket: bucket,
                Key: input.Key,
                Body: competitor,
                IfNoneMatch: '*',
                ChecksumAlgorithm: 'SHA256',
              }),
            );
          }
          return next(args);
        },
        { step: 'initialize' },
      );
      return racing;
    };

    const sameNote = racingClient(signedCheckpoint(11).note);
    const receipt = await anchorIn({ client: sameNote }).anchor(signedCheckpoint(11));
    expect(receipt.versionId).toBeDefined();
    expect(await anchorIn().anchor(signedCheckpoint(11))).toEqual(receipt);

    const otherNote = racingClient(signedCheckpoint(12, 'competitor').note);
    await expect(anchorIn({ client: otherNote }).anchor(signedCheckpoint(12))).rejects.toThrow(
      AnchorConflictError,
    );
    expect(await anchorIn().read(12)).toEqual(signedCheckpoint(12, 'competitor'));
    sameNote.destroy();
    otherNote.destroy();
  });

  it('keeps returning the original after an overwrite, and reports the overwrite as tamper evidence', async () => {
    const seen: TamperEvidence[] = [];
    const anchor = anchorIn({ onTamperEvidence: (evidence) => seen.push(evidence) });
    const original = signedCheckpoint(5, 'original');
    const receipt = await anchor.anchor(original);

    // What someone with s3:PutObject but no respect for the protocol can do: versioning keeps both.
    const forged = signedCheckpoint(5, 'forged');
    const overwrite = await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: keyOf(5), Body: forged.note, ChecksumAlgorithm: 'SHA256' }),
    );
    expect(await getText(keyOf(5))).toBe(forged.note);

    expect(await anchor.read(5)).toEqual(original);
    expect(seen).toEqual([
      expect.objectContaining({
        treeSize: 5,
        kind: 'overwrite',
        originalVersionId: receipt.versionId,
        versionId: overwrite.VersionId,
      }),
    ]);
    expect(await anchor.latest()).toEqual(original);
    expect(seen).toHaveLength(2);
    expect(await anchor.anchor(original)).toEqual(receipt);
    await expect(anchor.anchor(forged)).rejects.toThrow(AnchorConflictError);
  });

  it('sees through a delete marker: the checkpoint is still listed, read, and protected from a fork', async () => {
    const anchor = anchorIn();
    const original = signedCheckpoint(6);
    const receipt = await anchor.anchor(original);

    // A delete without a version id is allowed under Object Lock: it only hides the locked version.
    const marker = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(6) }));
    expect(marker.DeleteMarker).toBe(true);
    await expect(client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(6) }))).rejects.toBeDefined();

    expect(await anchor.list()).toEqual([{ treeSize: 6, location: `s3://${bucket}/${keyOf(6)}` }]);
    expect(await anchor.read(6)).toEqual(original);
    expect((await anchor.inspect(6))!.tamperEvidence).toEqual([
      expect.objectContaining({ kind: 'delete-marker', versionId: marker.VersionId }),
    ]);
    await expect(anchor.anchor(signedCheckpoint(6, 'fork'))).rejects.toThrow(AnchorConflictError);
    expect(await anchor.anchor(original)).toEqual(receipt);
  });

  it('lists in numeric order across pages, reads by size and finds the latest', async () => {
    const anchor = anchorIn({ listPageSize: 2 });
    expect(await anchor.latest()).toBeNull();
    expect(await anchor.list()).toEqual([]);
    for (const size of [10, 2, 1000, 0, 99]) await anchor.anchor(signedCheckpoint(size));
    // Objects outside the naming scheme or the prefix are not checkpoints.
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: `${PREFIX}checkpoints/readme.txt`, Body: 'x' }),
    );
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: keyOf(5000).slice(PREFIX.length), Body: 'x' }),
    );

    expect(await anchor.list()).toEqual(
      [0, 2, 10, 99, 1000].map((treeSize) => ({ treeSize, location: `s3://${bucket}/${keyOf(treeSize)}` })),
    );
    expect(await anchor.latest()).toEqual(signedCheckpoint(1000));
    expect(await anchor.read(2)).toEqual(signedCheckpoint(2));
    expect(await anchor.read(3)).toBeNull();
  });

  it('reports an object whose note does not match its key as an integrity failure', async () => {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: keyOf(9),
        Body: signedCheckpoint(8).note,
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    await expect(anchorIn().read(9)).rejects.toThrow(AnchorIntegrityError);
  });

  it('refuses to hand out a receipt for a matching note that no COMPLIANCE lock protects', async () => {
    // Object Lock without a default retention: a write without lock headers is not locked at all.
    const unprotected = await createObjectLockBucket(client, { mode: null });
    const checkpoint = signedCheckpoint(13);
    await client.send(
      new PutObjectCommand({
        Bucket: unprotected,
        Key: keyOf(13),
        Body: checkpoint.note,
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    await expect(anchorIn({ bucket: unprotected }).anchor(checkpoint)).rejects.toThrow(
      /stored with lock none until never, not COMPLIANCE/,
    );
  });

  describe('verifyBucketConfiguration', () => {
    it('accepts a bucket with Object Lock and a default COMPLIANCE retention', async () => {
      await expect(anchorIn().verifyBucketConfiguration()).resolves.toEqual({
        bucket,
        mode: 'COMPLIANCE',
        defaultRetention: { days: 1, years: undefined },
        versioning: 'Enabled',
      });
    });

    it('fails clearly on a bucket without Object Lock, and anchoring there fails too', async () => {
      const plain = uniqueBucketName('plain');
      await client.send(new CreateBucketCommand({ Bucket: plain }));
      const anchor = anchorIn({ bucket: plain });
      await expect(anchor.verifyBucketConfiguration()).rejects.toThrow(
        new AnchorConfigurationError(
          `S3 bucket ${plain} does not have Object Lock enabled: checkpoints anchored there could be deleted or overwritten`,
        ),
      );
      await expect(anchor.anchor(signedCheckpoint(1))).rejects.toThrow(AnchorConfigurationError);
    });

    it('fails on Object Lock without a default retention', async () => {
      const noDefault = await createObjectLockBucket(client, { mode: null });
      await expect(anchorIn({ bucket: noDefault }).verifyBucketConfiguration()).rejects.toThrow(
        /has Object Lock but no default retention/,
      );
    });

    it('fails on a default GOVERNANCE retention, which can be bypassed', async () => {
      const governance = await createObjectLockBucket(client, { mode: 'GOVERNANCE' });
      await expect(anchorIn({ bucket: governance }).verifyBucketConfiguration()).rejects.toThrow(
        /default retention mode GOVERNANCE; COMPLIANCE is required/,
      );
    });

    it('fails on a bucket that does not exist', async () => {
      await expect(
        anchorIn({ bucket: uniqueBucketName('missing') }).verifyBucketConfiguration(),
      ).rejects.toThrow(/does not exist/);
    });
  });

  it('refuses options that would weaken the lock', () => {
    expect(() => anchorIn({ retentionDays: 0 })).toThrow(AnchorConfigurationError);
    expect(() => anchorIn({ mode: 'GOVERNANCE' as 'COMPLIANCE' })).toThrow(AnchorConfigurationError);
  });
});
