interface Waiter<T> {
  resolve(item: T): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * A fixed set of interchangeable items (PKCS#11 sessions) lent to one user at a time.
 * Waiters are served first come, first served, and give up after `timeoutMs`.
 */
export class SessionPool<T> {
  private idle: T[] = [];
  private waiters: Array<Waiter<T>> = [];

  constructor(
    private readonly timeoutMs: number,
    private readonly timeoutError: () => Error,
  ) {}

  get idleCount(): number {
    return this.idle.length;
  }

  get waitingCount(): number {
    return this.waiters.length;
  }

  acquire(): Promise<T> {
    const item = this.idle.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(this.timeoutError());
        }, this.timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  release(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) {
      this.idle.push(item);
      return;
    }
    clearTimeout(waiter.timer);
    waiter.resolve(item);
  }

  /** Takes every idle item out of the pool (to close them). */
  drain(): T[] {
    const items = this.idle;
    this.idle = [];
    return items;
  }

  /** Rejects everyone waiting, e.g. when the pool can no longer be refilled. */
  failWaiters(error: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}
