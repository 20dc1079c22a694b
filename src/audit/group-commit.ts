/** Items that did not fit in the queue: counted, and journaled as one summary. */
export interface Overflow {
  count: number;
  first: Date;
  last: Date;
}

export interface GroupCommitOptions {
  /** Items waiting at most; more are counted as overflow instead of queued. */
  maxPending: number;
  /** Items written in one commit at most. */
  maxBatch: number;
}

/**
 * Writes items in batches: while one batch commits, the next ones gather, so a burst costs a
 * few transactions instead of one each, and memory stays bounded under a flood. `add` resolves
 * once the item's batch was written (or failed: `commit` reports its own failures).
 */
export class GroupCommit<T> {
  private pending: Array<{ item: T; done: () => void }> = [];
  private overflow?: Overflow;
  private running?: Promise<void>;

  constructor(
    private readonly commit: (items: T[], overflow: Overflow | undefined) => Promise<void>,
    private readonly options: GroupCommitOptions,
  ) {}

  add(item: T, at: Date = new Date()): Promise<void> {
    if (this.pending.length >= this.options.maxPending) {
      this.overflow = this.overflow
        ? { ...this.overflow, count: this.overflow.count + 1, last: at }
        : { count: 1, first: at, last: at };
      this.start();
      return Promise.resolve();
    }
    const written = new Promise<void>((done) => this.pending.push({ item, done }));
    this.start();
    return written;
  }

  /** Resolves when everything added so far has been written. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private start(): void {
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0 || this.overflow) {
      const batch = this.pending.splice(0, this.options.maxBatch);
      const overflow = this.overflow;
      this.overflow = undefined;
      try {
        await this.commit(
          batch.map((entry) => entry.item),
          overflow,
        );
      } catch {
        // `commit` logs its own failures; the callers must not wait for ever.
      } finally {
        for (const entry of batch) entry.done();
      }
    }
  }
}
