import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/environment.js';
import {
  DatabaseService,
  isRetryable,
  type TransactionOptions,
  type Tx,
} from '../database/database.service.js';
import { CompactRange } from './core/compact-range.js';
import { chainCanonicalDrafts, type CanonicalDraft } from './core/entry.js';
import { LedgerMetrics } from './ledger-metrics.js';
import { LedgerRepository, type QueuedRow, type StateRow } from './ledger.repository.js';

/** The tree a batch extends: its frontier and the hash of its last entry (the chain's link). */
interface TreeHead {
  tree: CompactRange;
  lastHash: string;
}

/** The batch was taken against a tree or a queue that another replica changed: roll back, re-read. */
class StaleBatch extends Error {
  constructor() {
    super('the journal changed under this batch; it is taken again from the stored tree');
  }
}

export interface IntegratedEntry {
  queueId: number;
  seq: number;
  hash: string;
}

/**
 * Orders, hashes and integrates queued entries in batches, as Trillian and Tessera do: business
 * transactions only insert into the queue (no shared lock, no wait for the chain), and one
 * sequencer at a time (a PostgreSQL advisory lock, across replicas) assigns gapless sequence
 * numbers, extends the hash chain and the Merkle tree, and updates the frontier in one transaction.
 */
@Injectable()
export class LedgerSequencer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LedgerSequencer');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly waiters = new Map<number, Array<(entry: IntegratedEntry) => void>>();
  /**
   * The tree as this replica last extended it, kept between batches instead of being read and
   * parsed again for each; every batch checks it against the stored state before writing.
   */
  private head?: TreeHead;
  /**
   * This process's turn to integrate: a sequencer run, or a transaction integrating its own entries
   * from its integrate statement to its end. Without it the two would meet on the database's lock
   * and turn each other's entries back to the queue. Always taken inside a transaction (connection
   * first, then turn), so that on one connection (PGlite) no one waits for the turn holding it.
   */
  private turn: Promise<void> = Promise.resolve();
  /** The integrating transactions open in this process, and their turn once taken. */
  private readonly turns = new WeakMap<Tx, { release?: () => void }>();

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly repository: LedgerRepository,
    private readonly metrics: LedgerMetrics,
  ) {}

  onApplicationBootstrap(): void {
    // Polling also picks up entries other replicas queued, and any left by a crash.
    this.timer = setInterval(() => this.kick(), this.config.LEDGER_POLL_MS);
    this.timer.unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Asks for a run soon; runs never overlap within a process. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Integrates until the queue is empty (or another replica holds the sequencer lock). */
  async drain(): Promise<void> {
    try {
      let waiting = true;
      while (waiting && !this.stopped) {
        const integrated = await this.integrateBatch();
        if (integrated === undefined) break; // another replica is integrating
        // A short batch took every committed entry there was.
        if (integrated < this.config.LEDGER_BATCH_SIZE) waiting = false;
      }
      const oldest = waiting ? await this.repository.oldestQueuedAt() : undefined;
      this.metrics.queueAge.set(oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0);
    } catch (error) {
      if (!this.stopped) this.logger.error({ err: error }, 'ledger integration failed; it will be retried');
    }
  }

  /**
   * One batch in one transaction; returns how many entries it integrated, or undefined when another
   * replica holds the sequencer lock.
   */
  async integrateBatch(retryStale = true): Promise<number | undefined> {
    let extended: TreeHead | undefined;
    let done: Array<IntegratedEntry & { recordedAt: Date }> | undefined;
    let release: (() => void) | undefined;
    try {
      done = await this.database.transaction(async (trx) => {
        release ??= await this.takeTurn();
        const queued = await this.repository.lockAndTakeQueued(trx, this.config.LEDGER_BATCH_SIZE);
        if (queued === undefined) return undefined;
        if (queued.length === 0) return [];
        const from = this.head ?? (await this.readHead(trx));
        const extension = extend(
          from,
          queued.map((row) => ({
            type: row.type,
            subject: row.subject,
            canonicalPayload: row.payload,
            time: row.recorded_at.toISOString(),
          })),
          'check',
        );
        const moved = await this.repository.integrate(
          trx,
          extension.from,
          queued.map((row) => row.id),
          extension.hashes,
          extension.nodes,
          extension.state,
        );
        if (!moved) throw new StaleBatch();
        extended = extension.head;
        return extension.links.map((link, i) => ({
          queueId: queued[i].id,
          seq: link.seq,
          hash: link.hash,
          recordedAt: queued[i].recorded_at,
        }));
      });
    } catch (error) {
      this.head = undefined;
      release?.();
      // Another replica integrated since this one last did (or committed while this batch was
      // taken): the next batch starts from the stored tree.
      if (error instanceof StaleBatch && retryStale) return this.integrateBatch(false);
      throw error;
    }
    release?.();
    // When the lock was taken (by another replica, or by a transaction of this process integrating
    // its own entries) the tree is kept: a batch checks it against the stored tree before writing,
    // and a stale one costs one retry from the stored tree.
    if (extended) this.head = extended;
    if (done === undefined) return undefined;
    const now = Date.now();
    for (const entry of done) {
      this.metrics.integrationDelay.observe(Math.max(0, now - entry.recordedAt.getTime()) / 1000);
      this.resolve(entry);
    }
    if (done.length > 0) {
      this.metrics.batchSize.observe(done.length);
      this.metrics.integrated.inc(done.length);
      this.metrics.treeSize.set(done[done.length - 1].seq + 1);
    }
    return done.length;
  }

  /**
   * Integrates entries in the caller's transaction unless entries committed before them are still
   * queued (then it queues them, so the journal keeps the order in which they could be seen). One
   * statement (LedgerRepository.integrateOrQueue) when the tree this process keeps is the stored
   * one and the sequencer lock is free. When another transaction holds the lock, it waits for it;
   * when another replica has extended the tree, it extends the stored tree, which the statement
   * returns locked: a statement more in each case. Returns the entries' places, which hold once
   * the caller commits, or undefined when the entries were queued. Integrated, the entries keep the
   * sequencer lock until the caller's transaction ends. The rows' payloads are the texts
   * canonicalDraftPayload made in this process, so they are not parsed again.
   */
  async integrateWithin(
    trx: Tx,
    recordedAt: Date,
    rows: ReadonlyArray<Pick<QueuedRow, 'id' | 'type' | 'subject' | 'payload'>>,
  ): Promise<IntegratedEntry[] | undefined> {
    const held = this.turns.get(trx);
    if (held === undefined)
      throw new Error('entries are integrated in a transaction only inside integrating()');
    held.release ??= await this.takeTurn();
    // Not known here yet (a fresh process): read unlocked, checked by the statement like any other.
    let from = this.head ?? (await this.readHead(trx));
    const time = recordedAt.toISOString();
    const drafts = rows.map((row) => ({
      type: row.type,
      subject: row.subject,
      canonicalPayload: row.payload,
      time,
    }));
    const queue = async (outcome: 'queued:busy' | 'queued:unexpected') => {
      await this.repository.enqueue(trx, recordedAt, rows);
      this.metrics.appendsInTransaction.inc({ outcome });
      return undefined;
    };
    let caughtUp = false;
    let waited = false;
    for (;;) {
      const extension = extend(from, drafts, 'made-here');
      const result = await this.repository.integrateOrQueue(
        trx,
        extension.from,
        recordedAt,
        rows,
        extension.hashes,
        extension.nodes,
        extension.state,
      );
      if (result.outcome === 'busy' && !waited) {
        // Another replica's batch or sequencer: it holds the lock for one batch. Waiting is
        // shorter than queueing, after which these sales would wait for a sequencer batch of their own.
        waited = true;
        const wait = this.config.LEDGER_LOCK_WAIT_MS;
        if (wait > 0 && (await this.repository.waitForSequencerLock(trx, wait))) continue;
        return queue('queued:busy');
      }
      if (result.outcome === 'moved' && !caughtUp) {
        // Another replica extended the tree (or a transaction of this process that extended it
        // rolled back). This transaction now holds the lock and the stored tree: extend that.
        if (this.head === from) this.head = undefined;
        from = headOf(result.stored);
        caughtUp = true;
        continue;
      }
      if (result.outcome === 'busy' || result.outcome === 'moved') {
        // Unreachable while this transaction holds the lock and the state row; queue rather than loop.
        this.logger.warn(
          `the journal was ${result.outcome} under this transaction's lock; its entries are queued`,
        );
        return queue('queued:unexpected');
      }
      this.metrics.appendsInTransaction.inc({
        outcome:
          result.outcome !== 'integrated'
            ? result.outcome
            : waited
              ? 'integrated:waited'
              : caughtUp
                ? 'integrated:caught-up'
                : 'integrated',
      });
      if (result.outcome !== 'integrated') return undefined;
      // Taken as the tree from now on although the caller has not committed yet: if it rolls back,
      // the next batch finds the stored tree differs and starts again from it.
      this.head = extension.head;
      this.metrics.integrated.inc(extension.links.length);
      this.metrics.treeSize.set(extension.head.tree.size);
      return extension.links.map((link, i) => ({ queueId: rows[i].id, seq: link.seq, hash: link.hash }));
    }
  }

  /**
   * A transaction in which integrateWithin may integrate entries; this process's sequencer waits
   * while it holds the turn, up to its commit or rollback.
   */
  async integrating<T>(work: (trx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    // Retried here, not by the database service, so that the turn is handed on between attempts:
    // the next attempt waits for a connection, and a sequencer holding one may be waiting for the turn.
    for (let attempt = 0; ; attempt++) {
      const held: { release?: () => void } = {};
      try {
        return await this.database.transaction(
          (trx) => {
            this.turns.set(trx, held);
            return work(trx);
          },
          { ...options, retries: 0 },
        );
      } catch (error) {
        if (attempt >= (options.retries ?? 0) || !isRetryable(error)) throw error;
      } finally {
        held.release?.();
      }
    }
  }

  /** Waits for this process's integration turn; resolves to the function that hands it on. */
  private takeTurn(): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const before = this.turn;
    this.turn = before.then(() => mine);
    return before.then(() => release);
  }

  private async readHead(trx: Tx): Promise<TreeHead> {
    return headOf(await this.repository.state(trx));
  }

  /** Resolves once the queued entry has its sequence number (integrated here or by another replica). */
  async waitFor(queueIds: number[], timeoutMs = 10_000): Promise<IntegratedEntry[]> {
    const pending = new Map<number, Promise<IntegratedEntry>>();
    for (const id of queueIds) {
      pending.set(
        id,
        new Promise((resolve) => {
          const list = this.waiters.get(id) ?? [];
          list.push(resolve);
          this.waiters.set(id, list);
        }),
      );
    }
    this.kick();
    const deadline = Date.now() + timeoutMs;
    const all = Promise.all(queueIds.map((id) => pending.get(id)!));
    for (;;) {
      const settled = await Promise.race([all, sleep(this.config.LEDGER_POLL_MS * 2).then(() => undefined)]);
      if (settled) return settled;
      // Another replica may have integrated them: look in the journal.
      const found = await this.repository.entriesByQueueIds(queueIds);
      for (const row of found) {
        if (row.queue_id !== null)
          this.resolve({ queueId: row.queue_id, seq: row.seq, hash: row.hash.toString('hex') });
      }
      if (Date.now() > deadline) {
        throw new Error(`journal entries ${queueIds.join(', ')} were not integrated within ${timeoutMs} ms`);
      }
    }
  }

  private resolve(entry: IntegratedEntry): void {
    const list = this.waiters.get(entry.queueId);
    if (!list) return;
    this.waiters.delete(entry.queueId);
    for (const resolve of list) resolve({ queueId: entry.queueId, seq: entry.seq, hash: entry.hash });
  }
}

function headOf(state: Pick<StateRow, 'frontier' | 'last_hash'>): TreeHead {
  return {
    tree: CompactRange.fromJSON(JSON.parse(state.frontier)),
    lastHash: state.last_hash.toString('hex'),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * The tree `from` extended by the drafts: their chain links, their hashes as bytes, the completed
 * Merkle nodes to store, the state to write, and the head that results (what both the sequencer's
 * batch and an integrating transaction send, and keep once written).
 */
function extend(from: TreeHead, drafts: CanonicalDraft[], payloads: 'check' | 'made-here') {
  const links = chainCanonicalDrafts(from.lastHash, from.tree.size, drafts, payloads);
  const tree = from.tree.clone();
  const hashes = links.map((link) => Buffer.from(link.hash, 'hex'));
  const nodes = tree.appendAll(hashes).filter((node) => node.level > 0);
  return {
    links,
    hashes,
    nodes,
    from: { tree_size: from.tree.size, last_hash: Buffer.from(from.lastHash, 'hex') },
    state: {
      tree_size: tree.size,
      root_hash: tree.root(),
      last_hash: hashes[hashes.length - 1],
      frontier: JSON.stringify(tree.toJSON()),
    },
    head: { tree, lastHash: links[links.length - 1].hash } satisfies TreeHead,
  };
}
