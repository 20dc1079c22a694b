// A realistic raffle for tests: orders of 1, 5 and 30 tickets (the usual packages), numbers handed
// out in order online and from blocks reserved by point-of-sale devices (so orders are not journaled
// in number order), some numbers never sold (unsold ends of returned blocks) and ~1% of orders voided.
// A status array says what each number is, so tests can judge the sealed set independently.

import { seededRandom } from '../../../ledger/core/testing/prng.js';
import type { TicketRange } from '../ticket-range.js';

export const UNSOLD = 0;
export const SOLD = 1;
export const VOIDED = 2;

export interface SalesMix {
  /** Sold ranges in the order they were journaled. */
  sold: TicketRange[];
  /** Voided ranges (whole orders), in the order they were journaled. */
  voided: TicketRange[];
  /** status[t] for ticket t (index 0 unused): UNSOLD, SOLD or VOIDED. */
  status: Uint8Array;
  soldCount: number;
  voidedCount: number;
}

const PACKAGES = [1, 5, 30];

export function salesMix(targetTickets: number, seed = 1, voidRate = 0.01): SalesMix {
  const random = seededRandom(seed);
  const status = new Uint8Array(targetTickets + 1);
  const sold: TicketRange[] = [];
  let next = 1;
  // A POS device holds a block of 500 numbers and sells from it while online sales go on.
  let block: { next: number; end: number } | undefined;
  while (true) {
    const size = PACKAGES[Math.floor(random() * PACKAGES.length)];
    const fromBlock = random() < 0.2;
    if (fromBlock) {
      if (block === undefined || block.next + size - 1 > block.end) {
        // The rest of the old block is returned unsold; a new block is reserved.
        if (next + 500 - 1 > targetTickets) break;
        block = { next, end: next + 499 };
        next += 500;
      }
      sold.push({ first: block.next, last: block.next + size - 1 });
      block.next += size;
    } else {
      if (next + size - 1 > targetTickets) break;
      sold.push({ first: next, last: next + size - 1 });
      next += size;
    }
  }
  for (const r of sold) status.fill(SOLD, r.first, r.last + 1);
  const voided: TicketRange[] = [];
  for (const r of sold) {
    if (random() < voidRate) {
      voided.push(r);
      status.fill(VOIDED, r.first, r.last + 1);
    }
  }
  let soldCount = 0;
  let voidedCount = 0;
  for (let t = 1; t <= targetTickets; t++) {
    if (status[t] !== UNSOLD) soldCount++;
    if (status[t] === VOIDED) voidedCount++;
  }
  return { sold, voided, status, soldCount, voidedCount };
}
