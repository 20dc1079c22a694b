// The 50/50 raffle the draw and reports benchmarks sell into: open for a day from an hour ago, its
// one prize drawn an hour after the close, cash at points of sale, the usual three packages.

const HOUR = 3_600_000;

/** The draft of `POST /v1/raffles` for a benchmark of about `tickets` tickets, and its draw time. */
export function benchRaffleDraft({ licenseNumber, name, tickets, now = Date.now() }) {
  const drawAt = new Date(now + 25 * HOUR);
  const draft = {
    licenseNumber,
    name,
    rulesText: 'Benchmark raffle.',
    type: 'FIFTY_FIFTY',
    currency: 'CAD',
    jurisdiction: 'ND-AG',
    packages: [
      { id: 'one', tickets: 1, priceMinor: 1_000, label: '1 for $10' },
      { id: 'five', tickets: 5, priceMinor: 2_000, label: '5 for $20' },
      { id: 'thirty', tickets: 30, priceMinor: 5_000, label: '30 for $50' },
    ],
    salesOpenAt: new Date(now - HOUR).toISOString(),
    salesCloseAt: new Date(now + 24 * HOUR).toISOString(),
    maxTickets: tickets + 10_000,
    maxTicketsPerOrder: 30,
    maxTicketsPerBuyer: null,
    prizes: [{ id: 'main', name: 'Main', kind: 'MAIN', drawAt: drawAt.toISOString() }],
    prizeShareBps: 5_000,
    seedMinor: 0,
    channels: ['POS', 'CASHIER'],
    drawMethod: 'RNG',
  };
  return { draft, drawAt };
}
