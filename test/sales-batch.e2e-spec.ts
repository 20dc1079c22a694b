import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { SYSTEM_ORIGIN } from '../src/audit/significant-event.js';
import { DatabaseService } from '../src/database/database.service.js';
import { SalesBatchProcessor, type NewOrderItem } from '../src/ticket/sales-batch.js';
import { startTestApp, type TestApp } from './support/app.js';
import { idempotencyKey } from './support/factories.js';

function cashSale(raffleId: string, key: string): NewOrderItem {
  return {
    kind: 'sale',
    orderId: randomUUID(),
    idempotencyKey: key,
    requestHash: `hash-of-${key}`,
    packageId: 'one',
    tickets: 1,
    priceMinor: 1000,
    currency: 'CAD',
    channel: 'POS',
    sellerId: 'seller-1',
    deviceId: null,
    buyerKey: null,
    provider: 'cash',
    origin: SYSTEM_ORIGIN,
  };
}

/**
 * The batch claims its idempotency keys and locks the raffle's counter in one statement; when the
 * raffle has no counter (its sales never opened) the claims it made are released, and only those.
 */
describe.each(['pglite', 'postgres'] as const)(
  'a sales batch for a raffle whose sales never opened, on %s',
  (engine) => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ engine });
    });
    afterAll(async () => t?.close());

    it('refuses every order, releases the keys it claimed and keeps a key an earlier order holds', async () => {
      const db = t.app.get(DatabaseService).db;
      const raffleId = randomUUID();
      const held = idempotencyKey();
      const earlierOrder = randomUUID();
      await sql`insert into ticket_idempotency (raffle_id, key, request_hash, order_id, created_at)
              values (${raffleId}, ${held}, 'earlier', ${earlierOrder}, now())`.execute(db);
      const fresh = idempotencyKey();

      const outcomes = await t.app
        .get(SalesBatchProcessor)
        .process({ raffleId, maxTicketsPerBuyer: null }, [
          cashSale(raffleId, held),
          cashSale(raffleId, fresh),
        ]);

      expect(outcomes).toEqual([
        { kind: 'refused', refusal: 'SALES_CLOSED' },
        { kind: 'refused', refusal: 'SALES_CLOSED' },
      ]);
      const { rows } = await sql<{ key: string; order_id: string }>`
      select key, order_id from ticket_idempotency where raffle_id = ${raffleId}`.execute(db);
      expect(rows).toEqual([{ key: held, order_id: earlierOrder }]);
    });
  },
);
