import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import { DatabaseService } from '../src/database/database.service.js';
import { createObjectLockBucket } from '../src/ledger/anchor/testing/object-lock-bucket.js';
import { LedgerIntegrity } from '../src/ledger/ledger-integrity.js';
import { LedgerService } from '../src/ledger/ledger.service.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { startMoto, type MotoServer } from './support/moto.js';

describe('anchoring checkpoints in S3 Object Lock (moto_server) from the running service', () => {
  let moto: MotoServer;
  let s3: S3Client;
  let bucket: string;
  let t: TestApp;

  beforeAll(async () => {
    moto = await startMoto();
    process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
    s3 = new S3Client({
      endpoint: moto.endpoint,
      region: moto.region,
      credentials: moto.credentials,
      forcePathStyle: true,
    });
    bucket = await createObjectLockBucket(s3, { mode: 'COMPLIANCE', days: 30 });
    t = await startTestApp({
      engine: 'postgres',
      env: {
        ANCHOR_INTERVAL_SECONDS: '0',
        ANCHOR_S3_BUCKET: bucket,
        ANCHOR_S3_PREFIX: 'ledger/',
        ANCHOR_S3_ENDPOINT: moto.endpoint,
        AWS_REGION: moto.region,
        ANCHOR_RETENTION_DAYS: '30',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    s3?.destroy();
    await moto?.stop();
  });

  it('anchors a checkpoint that cannot be deleted, and verification uses it', async () => {
    const ledger = t.app.get(LedgerService);
    const queued = await t.app
      .get(DatabaseService)
      .transaction((trx) => ledger.append(trx, { type: 'TEST_EVENT', subject: null, payload: { n: 1 } }));
    await ledger.integrated(queued);

    const admin = await t.token(['admin']);
    const response = await t.app.inject({ method: 'POST', url: '/v1/ledger/anchor', headers: bearer(admin) });
    expect(response.statusCode).toBe(201);
    const { receipt, treeSize } = response.json();
    expect(receipt.anchor).toBe('s3');
    const key = `ledger/checkpoints/${String(treeSize).padStart(20, '0')}.note`;
    expect(receipt.location).toBe(`s3://${bucket}/${key}`);

    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: receipt.versionId }),
    );
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    await expect(
      s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: receipt.versionId })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    const body = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: receipt.versionId }),
    );
    expect(await body.Body!.transformToString()).toBe(await ledger.checkpointAt(treeSize));
  });

  it('verifies the journal against the anchored checkpoint, whose database record is append-only too', async () => {
    const report = await t.app.get(LedgerIntegrity).verify();
    expect(report.ok).toBe(true);
    expect(report.anchoredCheckpoints).toBe(1);
    // The database's own record of the anchor cannot be removed either.
    await expect(sql`delete from ledger_anchor`.execute(t.app.get(DatabaseService).db)).rejects.toThrow(
      /append-only/,
    );
  });
});
