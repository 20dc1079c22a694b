// The ticket register (GLI31 TKT-1, RPT-3): every number of a raffle, from 1 to the maximum, in
// contiguous ranges with one status each. Plain TypeScript: it merges, in number order, the orders
// that hold numbers with the blocks reserved to seller devices, streaming, so a raffle of millions
// of numbers never sits in memory.

export type RegisterStatus = 'SOLD' | 'VOIDED' | 'RESERVED' | 'RETURNED' | 'UNISSUED' | 'UNACCOUNTED';

export interface RegisterOrder {
  id: string;
  status: string;
  first: number;
  last: number;
  blockId: string | null;
  channel: string;
  packageId: string;
  priceMinor: number;
  sellerId: string;
  deviceId: string | null;
  soldAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
}

export interface RegisterBlock {
  id: string;
  status: string;
  first: number;
  last: number;
  deviceId: string;
  sellerId: string;
}

export interface RegisterRange {
  first: number;
  last: number;
  count: number;
  status: RegisterStatus;
  orderId: string | null;
  blockId: string | null;
  channel: string | null;
  packageId: string | null;
  priceMinor: number | null;
  sellerId: string | null;
  deviceId: string | null;
  soldAt: string | null;
  voidedAt: string | null;
  reason: string | null;
}

/**
 * Merges orders (ascending by first number) with blocks (ascending) into ranges that tile
 * 1..maxTickets. A number in no order and no block below `issued` is UNACCOUNTED: it should not
 * exist, and the register shows it rather than hiding it.
 */
export async function* registerRanges(
  orders: AsyncIterable<RegisterOrder>,
  blocks: readonly RegisterBlock[],
  issued: number,
  maxTickets: number,
): AsyncGenerator<RegisterRange> {
  let next = 1;
  let blockIndex = 0;
  function* gap(first: number, last: number): Generator<RegisterRange> {
    let at = first;
    while (at <= last) {
      while (blockIndex < blocks.length && blocks[blockIndex].last < at) blockIndex++;
      const block = blocks[blockIndex];
      if (!block || block.first > last) {
        yield blank(at, last, 'UNACCOUNTED');
        return;
      }
      if (block.first > at) {
        yield blank(at, block.first - 1, 'UNACCOUNTED');
        at = block.first;
      }
      const end = Math.min(block.last, last);
      yield {
        ...blank(at, end, block.status === 'RESERVED' ? 'RESERVED' : 'RETURNED'),
        blockId: block.id,
        sellerId: block.sellerId,
        deviceId: block.deviceId,
        channel: 'POS_OFFLINE',
      };
      at = end + 1;
    }
  }
  for await (const order of orders) {
    if (order.first > next) yield* gap(next, order.first - 1);
    const voided = order.status === 'VOIDED';
    yield {
      first: order.first,
      last: order.last,
      count: order.last - order.first + 1,
      status: voided ? 'VOIDED' : order.status === 'PAID' ? 'SOLD' : 'UNACCOUNTED',
      orderId: order.id,
      blockId: order.blockId,
      channel: order.channel,
      packageId: order.packageId,
      priceMinor: order.priceMinor,
      sellerId: order.sellerId,
      deviceId: order.deviceId,
      soldAt: order.soldAt,
      voidedAt: voided ? order.closedAt : null,
      reason: voided ? order.closeReason : null,
    };
    next = Math.max(next, order.last + 1);
  }
  if (next <= issued) yield* gap(next, issued);
  if (Math.max(next, issued + 1) <= maxTickets)
    yield blank(Math.max(next, issued + 1), maxTickets, 'UNISSUED');
}

function blank(first: number, last: number, status: RegisterStatus): RegisterRange {
  return {
    first,
    last,
    count: last - first + 1,
    status,
    orderId: null,
    blockId: null,
    channel: null,
    packageId: null,
    priceMinor: null,
    sellerId: null,
    deviceId: null,
    soldAt: null,
    voidedAt: null,
    reason: null,
  };
}
