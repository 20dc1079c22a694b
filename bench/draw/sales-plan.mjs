// The sales both draw benchmarks use (run.mjs for the core, service.mjs for the service): the same
// orders every run, in realistic packages, a fifth of them from 500-number point-of-sale blocks (out
// of number order) and 1 % voided.

/** A seeded PRNG (mulberry32). */
export function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** Tickets per order: 1, 5 or 30 (mean 0.5 + 2.1 + 2.4 = 5 tickets per order). */
export function packageSize(r) {
  return r < 0.5 ? 1 : r < 0.92 ? 5 : 30;
}

/** The orders of about `tickets` numbers, `{first, last, voided}` in the order they are sold. */
export function planOrders(tickets, seed = 1) {
  const random = seeded(seed);
  const orders = [];
  let next = 1;
  let block;
  for (;;) {
    const size = packageSize(random());
    let first;
    if (random() < 0.2) {
      if (block === undefined || block.next + size - 1 > block.end) {
        if (next + 499 > tickets) break;
        block = { next, end: next + 499 };
        next += 500;
      }
      first = block.next;
      block.next += size;
    } else {
      if (next + size - 1 > tickets) break;
      first = next;
      next += size;
    }
    orders.push({ first, last: first + size - 1, voided: random() < 0.01 });
  }
  return { orders, nextNumber: next };
}
