import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/environment.js';
import { DatabaseService } from '../database/database.service.js';
import {
  createCheckpointAnchor,
  type AnchorReceipt,
  type LocalFolderAnchor,
  type S3ObjectLockAnchor,
} from './anchor/index.js';
import { LedgerMetrics } from './ledger-metrics.js';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerService } from './ledger.service.js';

export interface AnchoringResult {
  treeSize: number;
  rootHash: string;
  receipt: AnchorReceipt;
}

/**
 * Anchors signed checkpoints outside the database (S3 Object Lock in AWS, a local folder by
 * default), on a schedule and on demand. Exactly one replica anchors at a time (advisory lock),
 * so a truncated or rewritten journal cannot agree with what was anchored before.
 */
@Injectable()
export class LedgerAnchoring implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LedgerAnchoring');
  readonly anchor: LocalFolderAnchor | S3ObjectLockAnchor;
  private timer?: NodeJS.Timeout;
  private lastAnchoredAt?: Date;

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly repository: LedgerRepository,
    private readonly ledger: LedgerService,
    private readonly metrics: LedgerMetrics,
  ) {
    this.anchor = config.ANCHOR_S3_BUCKET
      ? createCheckpointAnchor({
          kind: 's3',
          bucket: config.ANCHOR_S3_BUCKET,
          prefix: config.ANCHOR_S3_PREFIX,
          retentionDays: config.ANCHOR_RETENTION_DAYS,
          region: config.AWS_REGION!,
          endpoint: config.ANCHOR_S3_ENDPOINT,
          forcePathStyle: config.ANCHOR_S3_ENDPOINT !== undefined,
        })
      : createCheckpointAnchor({ kind: 'local', dir: join(config.DATA_DIR, 'anchors') });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.anchor.kind === 's3') await this.anchor.verifyBucketConfiguration();
    const latest = await this.repository.latestAnchor();
    if (latest) {
      this.lastAnchoredAt = latest.anchored_at;
      this.metrics.anchoredTreeSize.set(latest.tree_size);
    }
    this.metrics.anchorAge.set(0);
    if (this.config.ANCHOR_INTERVAL_SECONDS > 0) {
      this.timer = setInterval(
        () => void this.anchorOnSchedule(),
        this.config.ANCHOR_INTERVAL_SECONDS * 1000,
      );
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async anchorOnSchedule(): Promise<void> {
    try {
      const result = await this.anchorNow();
      // Quiet periods must not look like a stuck anchoring to the lag alarm.
      if (!result)
        this.logger.log({ event: 'checkpoint_anchor_current' }, 'latest checkpoint already anchored');
    } catch (error) {
      this.metrics.anchorFailures.inc();
      this.logger.error({ event: 'checkpoint_anchor_failed', err: error }, 'anchoring failed');
    }
    if (this.lastAnchoredAt) this.metrics.anchorAge.set((Date.now() - this.lastAnchoredAt.getTime()) / 1000);
  }

  /** On-demand anchoring, as the API reports it. */
  async anchorOnDemand(): Promise<{ anchored: boolean } & Partial<AnchoringResult>> {
    const result = await this.anchorNow();
    return result ? { anchored: true, ...result } : { anchored: false };
  }

  /**
   * Signs the current tree and anchors it. Returns undefined when another replica is anchoring
   * right now or when nothing was added since the last anchor.
   */
  async anchorNow(): Promise<AnchoringResult | undefined> {
    return this.database.transaction(async (trx) => {
      if (!(await this.repository.tryLockAnchoring(trx))) return undefined;
      const state = await this.repository.state(trx);
      const latest = await this.repository.latestAnchor(trx);
      if (latest && latest.tree_size >= state.tree_size) return undefined;
      const rootHash = state.root_hash.toString('hex');
      // A crash after the anchor write but before this commit leaves the anchored note as the
      // one to keep: adopt it when it is the same tree, refuse loudly when it is not (a fork).
      const anchored = await this.anchor.read(state.tree_size);
      if (anchored && anchored.rootHash !== rootHash) {
        throw new Error(
          `anchored checkpoint ${state.tree_size} has root ${anchored.rootHash}, the journal ${rootHash}`,
        );
      }
      const stored = await this.repository.checkpoint(state.tree_size, trx);
      const note =
        anchored?.note ??
        stored?.note ??
        this.ledger.signCheckpoint(state.tree_size, state.root_hash, new Date());
      await this.repository.saveCheckpoint(trx, {
        tree_size: state.tree_size,
        root_hash: state.root_hash,
        note,
      });
      const receipt = await this.anchor.anchor({ treeSize: state.tree_size, rootHash, note });
      await this.repository.saveAnchor(trx, {
        tree_size: state.tree_size,
        anchor: receipt.anchor,
        location: receipt.location,
        version_id: receipt.versionId ?? null,
        retain_until: receipt.retainUntil ? new Date(receipt.retainUntil) : null,
        sha256: receipt.sha256,
        anchored_at: new Date(receipt.anchoredAt),
      });
      this.lastAnchoredAt = new Date(receipt.anchoredAt);
      this.metrics.anchoredTreeSize.set(state.tree_size);
      this.metrics.anchorAge.set(0);
      this.logger.log(
        { event: 'checkpoint_anchored', treeSize: state.tree_size, location: receipt.location },
        `checkpoint ${state.tree_size} anchored at ${receipt.location}`,
      );
      return { treeSize: state.tree_size, rootHash, receipt };
    });
  }
}
