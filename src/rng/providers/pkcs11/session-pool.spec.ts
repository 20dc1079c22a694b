import { SessionPool } from './session-pool.js';

const timeout = () => new Error('no session free in time');

describe('SessionPool', () => {
  it('lends each item to one borrower at a time and serves waiters in arrival order', async () => {
    const pool = new SessionPool<string>(1000, timeout);
    pool.release('a');
    const first = await pool.acquire();
    const order: string[] = [];
    const second = pool.acquire().then((item) => order.push(`second:${item}`));
    const third = pool.acquire().then((item) => order.push(`third:${item}`));
    expect(pool.waitingCount).toBe(2);
    pool.release(first);
    await second;
    pool.release('a');
    await third;
    expect(order).toEqual(['second:a', 'third:a']);
    expect(pool.idleCount).toBe(0);
  });

  it('gives up on a waiter after the timeout and forgets it', async () => {
    const pool = new SessionPool<string>(20, timeout);
    const started = Date.now();
    await expect(pool.acquire()).rejects.toThrow('no session free in time');
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    expect(pool.waitingCount).toBe(0);
    pool.release('late');
    expect(pool.idleCount).toBe(1);
  });

  it('drains idle items and fails every waiter at once', async () => {
    const pool = new SessionPool<string>(1000, timeout);
    pool.release('a');
    pool.release('b');
    expect(pool.drain()).toEqual(['a', 'b']);
    const waiting = [pool.acquire(), pool.acquire()];
    pool.failWaiters(new Error('token gone'));
    await expect(Promise.all(waiting)).rejects.toThrow('token gone');
    expect(pool.waitingCount).toBe(0);
  });
});
