import pg from 'pg';
import type { StoredCounter, StoredOrder } from '../sales-audit.js';

/**
 * The drill's own view of the raffle's rows, read as the database superuser (an auditor's access),
 * not through the service under test.
 */
export async function readSales(
  url: string,
  raffleId: string,
): Promise<{ orders: StoredOrder[]; counter: StoredCounter }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const orders = await client.query<StoredOrder>(
      `select id, status, first_number::int, last_number::int, ticket_count::int, price_minor::int,
              verification_code, payment_provider, payment_ref
         from ticket_order where raffle_id = $1`,
      [raffleId],
    );
    const counter = await client.query<StoredCounter>(
      `select next_number::int, sold_tickets::int, held_tickets::int, voided_tickets::int,
              reserved_tickets::int, returned_tickets::int, paid_total_minor::bigint::text as paid_total_minor,
              sold_orders::int
         from ticket_counter where raffle_id = $1`,
      [raffleId],
    );
    if (counter.rows.length !== 1) throw new Error(`raffle ${raffleId} has no counter row`);
    const row = counter.rows[0];
    return { orders: orders.rows, counter: { ...row, paid_total_minor: Number(row.paid_total_minor) } };
  } finally {
    await client.end();
  }
}

/** Runs one statement (or a `;`-separated script) on a database as the superuser. */
export async function superuser<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
