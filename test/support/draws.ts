import { offlineVerificationCode } from '../../src/ticket/verification-code.js';
import type { TestApp } from './app.js';
import { idempotencyKey } from './factories.js';
import { openRaffle, order, posCash, type Headers } from './sales.js';

export const NORTH_DAKOTA = {
  jurisdiction: 'ND-AG' as const,
  channels: ['POS' as const, 'CASHIER' as const],
};

/**
 * A 50/50 raffle open now whose sales close in `closeInMs` and whose MAIN prize is drawn
 * `drawAfterCloseMs` after that; extra prizes may be added (EARLY_BIRD inside the window).
 */
export async function shortRaffle(
  t: TestApp,
  admin: Headers,
  options: { closeInMs: number; drawAfterCloseMs?: number; extraPrizes?: object[]; overrides?: object } = {
    closeInMs: 3_000,
  },
) {
  const closeAt = Date.now() + options.closeInMs;
  return openRaffle(t, admin, {
    ...NORTH_DAKOTA,
    salesCloseAt: new Date(closeAt).toISOString(),
    prizes: [
      {
        id: 'main',
        name: '50/50 main prize',
        kind: 'MAIN',
        drawAt: new Date(closeAt + (options.drawAfterCloseMs ?? 200)).toISOString(),
      },
      ...((options.extraPrizes ?? []) as never[]),
    ],
    ...options.overrides,
  });
}

/** Sells one order of a package at a POS; returns the order as the API shows it. */
export async function sell(t: TestApp, raffleId: string, seller: Headers, packageId: string) {
  const response = await order(t, raffleId, seller, { ...posCash, packageId });
  if (response.statusCode !== 201 && response.statusCode !== 200) {
    throw new Error(`order: ${response.statusCode} ${response.body}`);
  }
  return response.json() as { orderId: string; receipt: { tickets: { first: number; last: number } } };
}

export async function voidOrder(t: TestApp, orderId: string, operator: Headers) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/orders/${orderId}/void`,
    payload: { reason: 'Printer jammed; ticket not handed over' },
    headers: operator,
  });
}

const PACKAGES = [
  { id: 'one', tickets: 1 },
  { id: 'five', tickets: 5 },
  { id: 'thirty', tickets: 30 },
];

/**
 * Sells about `tickets` tickets through offline POS blocks (reserve, upload, return the rest) in the
 * default packages, in a deterministic mix; returns the ranges sold.
 */
export async function sellOffline(
  t: TestApp,
  raffleId: string,
  seller: Headers,
  tickets: number,
  blockSize = 5_000,
): Promise<Array<{ first: number; last: number }>> {
  const sold: Array<{ first: number; last: number }> = [];
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let total = 0; total < tickets;) {
    const size = Math.min(blockSize, tickets - total);
    const reserved = await t.app.inject({
      method: 'POST',
      url: `/v1/raffles/${raffleId}/blocks`,
      payload: { deviceId: 'handheld-1', tickets: size },
      headers: { ...seller, 'idempotency-key': idempotencyKey() },
    });
    if (reserved.statusCode !== 201) throw new Error(`reserve: ${reserved.statusCode} ${reserved.body}`);
    const block = reserved.json();
    const key = Buffer.from(block.blockKey, 'hex');
    const soldAt = new Date(Date.parse(block.reservedAt) + 1).toISOString();
    const sales: object[] = [];
    for (let first = block.first as number; first <= block.last;) {
      // The end of a block is filled with single tickets, so that every reserved number is sold.
      const picked = PACKAGES[next() % 3];
      const pkg = first + picked.tickets - 1 > block.last ? PACKAGES[0] : picked;
      const last = first + pkg.tickets - 1;
      sales.push({
        first,
        last,
        packageId: pkg.id,
        soldAt,
        verificationCode: offlineVerificationCode(key, raffleId, first, last),
      });
      sold.push({ first, last });
      first = last + 1;
    }
    for (let i = 0; i < sales.length; i += 1_000) {
      const uploaded = await t.app.inject({
        method: 'POST',
        url: `/v1/blocks/${block.blockId}/sales`,
        payload: { deviceId: 'handheld-1', sales: sales.slice(i, i + 1_000) },
        headers: seller,
      });
      if (uploaded.statusCode !== 200) throw new Error(`upload: ${uploaded.statusCode} ${uploaded.body}`);
    }
    const returned = await t.app.inject({
      method: 'POST',
      url: `/v1/blocks/${block.blockId}/return`,
      payload: { deviceId: 'handheld-1', reason: 'End of shift' },
      headers: seller,
    });
    if (returned.statusCode !== 200 && returned.statusCode !== 409) {
      throw new Error(`return: ${returned.statusCode} ${returned.body}`);
    }
    total += size;
  }
  return sold;
}

/** Polls until `done` holds (or fails after `timeoutMs`). */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
