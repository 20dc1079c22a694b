import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { S3Client } from '@aws-sdk/client-s3';

import { startMoto, type MotoServer } from '../../../test/support/moto.js';
import { createCheckpointAnchor, LocalFolderAnchor, S3ObjectLockAnchor } from './index.js';
import { createObjectLockBucket } from './testing/object-lock-bucket.js';
import { signedCheckpoint } from './testing/signed-checkpoint-note.js';

describe('createCheckpointAnchor', () => {
  it('makes a local folder anchor that anchors into the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fairdraw-anchor-'));
    try {
      const anchor = createCheckpointAnchor({ kind: 'local', dir });
      expect(anchor).toBeInstanceOf(LocalFolderAnchor);
      expect(anchor.kind).toBe('local');
      expect((await anchor.anchor(signedCheckpoint(1))).location).toBe(
        join(dir, 'checkpoints', '00000000000000000001.note'),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('s3', () => {
    let moto: MotoServer;

    beforeAll(async () => {
      moto = await startMoto();
    });

    afterAll(async () => {
      await moto?.stop();
    });

    it('makes an S3 Object Lock anchor from plain configuration', async () => {
      const setup = new S3Client({
        endpoint: moto.endpoint,
        region: moto.region,
        credentials: moto.credentials,
        forcePathStyle: true,
      });
      const bucket = await createObjectLockBucket(setup);
      setup.destroy();

      const anchor = createCheckpointAnchor({
        kind: 's3',
        bucket,
        prefix: 'prod/',
        retentionDays: 7,
        region: moto.region,
        endpoint: moto.endpoint,
        forcePathStyle: true,
        credentials: moto.credentials,
      });
      try {
        expect(anchor).toBeInstanceOf(S3ObjectLockAnchor);
        if (anchor.kind !== 's3') throw new Error('expected an S3 anchor');
        await expect(anchor.verifyBucketConfiguration()).resolves.toMatchObject({ mode: 'COMPLIANCE' });
        const receipt = await anchor.anchor(signedCheckpoint(4));
        expect(receipt.location).toBe(`s3://${bucket}/prod/checkpoints/00000000000000000004.note`);
        expect(Date.parse(receipt.retainUntil!)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
        expect(await anchor.latest()).toEqual(signedCheckpoint(4));
      } finally {
        if (anchor.kind === 's3') anchor.destroy();
      }
    });
  });
});
