import { Injectable } from '@nestjs/common';
import { CompiledQuery, sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import { DatabaseService, type Tx } from '../database/database.service.js';
import { prepared } from '../database/prepared-statements.js';
import type { Database } from '../database/schema.js';
import type { CounterState } from './number-allocation.js';
import type { TicketCounterTable, TicketOrderTable } from './ticket.tables.js';

export type OrderRow = Selectable<TicketOrderTable>;
export type NewOrderRow = Insertable<TicketOrderTable>;
type Db = Kysely<Database> | Tx;

export interface IssuedUpdate {
  id: string;
  first: number;
  last: number;
  code: string;
  soldAt: Date;
  paymentRef: string;
  journalQueueId: number;
}

export interface NumberCoverage {
  ranges: number;
  lowest: number | null;
  highest: number | null;
  numbers: number;
  breaks: number;
}

// The three statements every sales batch runs are fixed texts with array parameters, run as named
// prepared statements (src/database/prepared-statements.ts): PostgreSQL parses and plans each once
// per connection instead of once per batch, and Kysely compiles nothing on the hot path.

const LOCK_COUNTER = prepared(`select * from ticket_counter where raffle_id = $1::uuid for update`);

/**
 * Claims the batch's idempotency keys and locks the raffle's counter row in one round trip. The keys go first: the one-time filter on the
 * claim's count is evaluated before the counter row is read and locked, so a wait on a key another
 * transaction holds never happens with the counter locked.
 */
const CLAIM_KEYS_AND_LOCK_COUNTER = prepared(`
  with claimed as (
    insert into ticket_idempotency (raffle_id, key, request_hash, order_id, created_at)
    select $1::uuid, claim.key, claim.hash, claim.order_id, $2::timestamptz
    from unnest($3::text[], $4::text[], $5::uuid[]) as claim (key, hash, order_id)
    order by claim.key
    on conflict (raffle_id, key) do nothing
    returning key
  )
  select counter.*, (select coalesce(array_agg(key), '{}') from claimed) as claimed_keys
  from ticket_counter as counter
  where counter.raffle_id = $1::uuid and (select count(*) from claimed) >= 0
  for update of counter`);

/** The order columns in the order of the unnest() arrays that insert them ($1..$21). */
const ORDER_COLUMNS: ReadonlyArray<readonly [string, string, (row: NewOrderRow) => unknown]> = [
  ['id', 'uuid', (r) => r.id],
  ['raffle_id', 'uuid', (r) => r.raffle_id],
  ['status', 'text', (r) => r.status],
  ['channel', 'text', (r) => r.channel],
  ['package_id', 'text', (r) => r.package_id],
  ['ticket_count', 'int4', (r) => r.ticket_count],
  ['price_minor', 'int8', (r) => r.price_minor],
  ['currency', 'text', (r) => r.currency],
  ['first_number', 'int8', (r) => r.first_number ?? null],
  ['last_number', 'int8', (r) => r.last_number ?? null],
  ['verification_code', 'text', (r) => r.verification_code ?? null],
  ['seller_id', 'text', (r) => r.seller_id],
  ['device_id', 'text', (r) => r.device_id ?? null],
  ['block_id', 'uuid', (r) => r.block_id ?? null],
  ['buyer_key', 'text', (r) => r.buyer_key ?? null],
  ['payment_provider', 'text', (r) => r.payment_provider],
  ['payment_ref', 'text', (r) => r.payment_ref ?? null],
  ['created_at', 'timestamptz', (r) => toIso(r.created_at)],
  ['sold_at', 'timestamptz', (r) => toIso(r.sold_at)],
  ['expires_at', 'timestamptz', (r) => toIso(r.expires_at)],
  ['journal_queue_id', 'int8', (r) => r.journal_queue_id ?? null],
];

const INSERT_ORDERS_TEXT = `
    insert into ticket_order (${ORDER_COLUMNS.map(([column]) => column).join(', ')})
    select * from unnest(${ORDER_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})`;

const INSERT_ORDERS = prepared(INSERT_ORDERS_TEXT);

/** The counter's columns after the order arrays ($22..$32): its new state, then the raffle. */
const SAVE_COUNTER_WITH_ORDERS = prepared(`
  with inserted as (${INSERT_ORDERS_TEXT})
  update ticket_counter set next_number = $22, sold_tickets = $23, held_tickets = $24,
    reserved_tickets = $25, voided_tickets = $26, returned_tickets = $27, paid_total_minor = $28,
    sold_orders = $29, sales_open = $30, updated_at = $31::timestamptz
  where raffle_id = $32::uuid`);

/** Every SQL statement of ticket sales (orders, counter, idempotency keys, buyer tallies). */
@Injectable()
export class SalesRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db(): Kysely<Database> {
    return this.database.db;
  }

  // --- the sales batch -----------------------------------------------------------------------

  /**
   * Claims idempotency keys for new orders, then locks the raffle's counter row, in one round
   * trip; returns the keys claimed and the counter (undefined when the raffle has none: sales never
   * opened; release the claims then). A key another transaction holds uncommitted makes this wait
   * for it, so concurrent retries across replicas line up; keys are inserted in sorted order so two
   * batches never wait on each other in a cycle.
   */
  async claimKeysAndLockCounter(
    trx: Tx,
    raffleId: string,
    claims: Array<{ key: string; requestHash: string; orderId: string }>,
    now: Date,
  ): Promise<{ claimed: Set<string>; counter: CounterState | undefined }> {
    const { rows } = await trx.executeQuery<Selectable<TicketCounterTable> & { claimed_keys: string[] }>(
      CompiledQuery.raw(CLAIM_KEYS_AND_LOCK_COUNTER, [
        raffleId,
        now.toISOString(),
        claims.map((c) => c.key),
        claims.map((c) => c.requestHash),
        claims.map((c) => c.orderId),
      ]),
    );
    if (rows.length === 0) return { claimed: new Set(), counter: undefined };
    return { claimed: new Set(rows[0].claimed_keys), counter: toCounterState(rows[0]) };
  }

  /** Releases the keys these claims took (the key and the new order's id both match): no other order's. */
  async releaseClaims(
    trx: Tx,
    raffleId: string,
    claims: Array<{ key: string; orderId: string }>,
  ): Promise<void> {
    if (claims.length === 0) return;
    await trx
      .deleteFrom('ticket_idempotency')
      .where('raffle_id', '=', raffleId)
      .where((eb) =>
        eb.or(claims.map((c) => eb.and([eb('key', '=', c.key), eb('order_id', '=', c.orderId)]))),
      )
      .execute();
  }

  async keyRecords(
    raffleId: string,
    keys: string[],
    db: Db = this.db,
  ): Promise<Map<string, { requestHash: string; orderId: string }>> {
    if (keys.length === 0) return new Map();
    const rows = await db
      .selectFrom('ticket_idempotency')
      .select(['key', 'request_hash', 'order_id'])
      .where('raffle_id', '=', raffleId)
      .where('key', 'in', keys)
      .execute();
    return new Map(rows.map((row) => [row.key, { requestHash: row.request_hash, orderId: row.order_id }]));
  }

  /** Releases keys claimed for orders the same batch then refused (they never become visible). */
  async releaseKeys(trx: Tx, raffleId: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await trx
      .deleteFrom('ticket_idempotency')
      .where('raffle_id', '=', raffleId)
      .where('key', 'in', keys)
      .execute();
  }

  async lockCounter(trx: Tx, raffleId: string): Promise<CounterState | undefined> {
    // One lock per sales batch: a prepared statement, no query building.
    const { rows } = await trx.executeQuery<Selectable<TicketCounterTable>>(
      CompiledQuery.raw(LOCK_COUNTER, [raffleId]),
    );
    return rows[0] ? toCounterState(rows[0]) : undefined;
  }

  async counter(raffleId: string, db: Db = this.db): Promise<CounterState | undefined> {
    const row = await db
      .selectFrom('ticket_counter')
      .selectAll()
      .where('raffle_id', '=', raffleId)
      .executeTakeFirst();
    return row ? toCounterState(row) : undefined;
  }

  /** Writes the counter; with `orders`, inserts them in the same statement. */
  async saveCounter(
    trx: Tx,
    raffleId: string,
    state: CounterState,
    now: Date,
    orders: NewOrderRow[] = [],
  ): Promise<void> {
    const update = sql`
      update ticket_counter set next_number = ${state.nextNumber}, sold_tickets = ${state.sold},
        held_tickets = ${state.held}, reserved_tickets = ${state.reserved}, voided_tickets = ${state.voided},
        returned_tickets = ${state.returned}, paid_total_minor = ${state.paidTotalMinor},
        sold_orders = ${state.soldOrders}, sales_open = ${state.salesOpen}, updated_at = ${now}
      where raffle_id = ${raffleId}`;
    if (orders.length === 0) {
      await update.execute(trx);
      return;
    }
    const parameters: unknown[] = ORDER_COLUMNS.map(([, , value]) => orders.map(value));
    parameters.push(
      state.nextNumber,
      state.sold,
      state.held,
      state.reserved,
      state.voided,
      state.returned,
      state.paidTotalMinor,
      state.soldOrders,
      state.salesOpen,
      now.toISOString(),
      raffleId,
    );
    await trx.executeQuery(CompiledQuery.raw(SAVE_COUNTER_WITH_ORDERS, parameters));
  }

  /** Opening sales: the counter starts at number 1 (TKT-2: per raffle, never reset). */
  async createCounter(
    trx: Tx,
    raffleId: string,
    rules: { maxTickets: number; salesOpenAt: Date; salesCloseAt: Date },
    now: Date,
  ): Promise<void> {
    await trx
      .insertInto('ticket_counter')
      .values({
        raffle_id: raffleId,
        next_number: 1,
        max_tickets: rules.maxTickets,
        sold_tickets: 0,
        held_tickets: 0,
        reserved_tickets: 0,
        voided_tickets: 0,
        returned_tickets: 0,
        paid_total_minor: 0,
        sold_orders: 0,
        sales_open: true,
        sales_open_at: rules.salesOpenAt,
        sales_close_at: rules.salesCloseAt,
        updated_at: now,
      })
      .execute();
  }

  async setSalesOpen(trx: Tx, raffleId: string, open: boolean, now: Date): Promise<void> {
    await trx
      .updateTable('ticket_counter')
      .set({ sales_open: open, updated_at: now })
      .where('raffle_id', '=', raffleId)
      .execute();
  }

  async buyerTallies(trx: Tx, raffleId: string, keys: string[]): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    const rows = await trx
      .selectFrom('ticket_buyer_tally')
      .select(['buyer_key', 'tickets'])
      .where('raffle_id', '=', raffleId)
      .where('buyer_key', 'in', keys)
      .execute();
    return new Map(rows.map((row) => [row.buyer_key, row.tickets]));
  }

  /** Adds (or, with negative numbers, removes) tickets to buyers' tallies. */
  async addBuyerTallies(trx: Tx, raffleId: string, increments: Map<string, number>): Promise<void> {
    if (increments.size === 0) return;
    await trx
      .insertInto('ticket_buyer_tally')
      .values([...increments].map(([buyer_key, tickets]) => ({ raffle_id: raffleId, buyer_key, tickets })))
      .onConflict((oc) =>
        oc.columns(['raffle_id', 'buyer_key']).doUpdateSet({
          tickets: sql<number>`ticket_buyer_tally.tickets + excluded.tickets`,
        }),
      )
      .execute();
  }

  /** Inserts a batch of orders in one statement whose text and plan do not depend on the batch size. */
  async insertOrders(trx: Tx, rows: NewOrderRow[]): Promise<void> {
    if (rows.length === 0) return;
    await trx.executeQuery(
      CompiledQuery.raw(
        INSERT_ORDERS,
        ORDER_COLUMNS.map(([, , value]) => rows.map(value)),
      ),
    );
  }

  lockOrders(trx: Tx, ids: string[]): Promise<OrderRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return trx
      .selectFrom('ticket_order')
      .selectAll()
      .where('id', 'in', ids)
      .orderBy('id')
      .forUpdate()
      .execute();
  }

  /** Gives paid orders their numbers, in one statement for the whole batch. */
  async markIssued(trx: Tx, updates: IssuedUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const values = sql.join(
      updates.map(
        (u) =>
          sql`(${u.id}::uuid, ${u.first}::bigint, ${u.last}::bigint, ${u.code}::text, ${u.soldAt}::timestamptz, ${u.paymentRef}::text, ${u.journalQueueId}::bigint)`,
      ),
    );
    await sql`
      update ticket_order as o
      set status = 'PAID', first_number = v.first_number, last_number = v.last_number,
          verification_code = v.code, sold_at = v.sold_at, payment_ref = v.payment_ref,
          journal_queue_id = v.queue_id, expires_at = null
      from (values ${values}) as v (id, first_number, last_number, code, sold_at, payment_ref, queue_id)
      where o.id = v.id and o.status = 'PENDING_PAYMENT'`.execute(trx);
  }

  /** PENDING_PAYMENT or PAID → CANCELLED or VOIDED, with who, when and why. */
  async closeOrders(
    trx: Tx,
    ids: string[],
    from: 'PENDING_PAYMENT' | 'PAID',
    to: 'CANCELLED' | 'VOIDED',
    change: { at: Date; reason: string; by: string },
  ): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await trx
      .updateTable('ticket_order')
      .set({
        status: to,
        closed_at: change.at,
        close_reason: change.reason,
        closed_by: change.by,
        expires_at: null,
      })
      .where('id', 'in', ids)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async setPaymentRef(trx: Tx, orderId: string, ref: string): Promise<void> {
    await trx.updateTable('ticket_order').set({ payment_ref: ref }).where('id', '=', orderId).execute();
  }

  // --- reads ---------------------------------------------------------------------------------

  findOrder(id: string, db: Db = this.db): Promise<OrderRow | undefined> {
    return db.selectFrom('ticket_order').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findOrderForUpdate(trx: Tx, id: string): Promise<OrderRow | undefined> {
    return trx.selectFrom('ticket_order').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  findOrderByCode(code: string): Promise<OrderRow | undefined> {
    return this.db
      .selectFrom('ticket_order')
      .selectAll()
      .where('verification_code', '=', code)
      .executeTakeFirst();
  }

  /** One page (keyset on id) of a raffle's orders in a status; callers hold the counter lock. */
  ordersPage(
    trx: Tx,
    raffleId: string,
    status: 'PAID' | 'PENDING_PAYMENT',
    after: string | null,
    limit: number,
  ): Promise<
    Array<
      Pick<
        OrderRow,
        'id' | 'ticket_count' | 'price_minor' | 'currency' | 'payment_provider' | 'payment_ref' | 'buyer_key'
      >
    >
  > {
    let query = trx
      .selectFrom('ticket_order')
      .select([
        'id',
        'ticket_count',
        'price_minor',
        'currency',
        'payment_provider',
        'payment_ref',
        'buyer_key',
      ])
      .where('raffle_id', '=', raffleId)
      .where('status', '=', status);
    if (after !== null) query = query.where('id', '>', after);
    return query.orderBy('id').limit(limit).execute();
  }

  /** Closes every order of a raffle in `from` (a cancellation, the end of sales). */
  async closeAllOrders(
    trx: Tx,
    raffleId: string,
    from: 'PENDING_PAYMENT' | 'PAID',
    to: 'CANCELLED' | 'VOIDED',
    change: { at: Date; reason: string; by: string },
  ): Promise<number> {
    const result = await trx
      .updateTable('ticket_order')
      .set({
        status: to,
        closed_at: change.at,
        close_reason: change.reason,
        closed_by: change.by,
        expires_at: null,
      })
      .where('raffle_id', '=', raffleId)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Ids and raffles of holds past their time (no lock: the caller locks counter, then orders). */
  async expiredHoldIds(now: Date, limit: number): Promise<Array<{ id: string; raffle_id: string }>> {
    return this.db
      .selectFrom('ticket_order')
      .select(['id', 'raffle_id'])
      .where('status', '=', 'PENDING_PAYMENT')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  }

  /** Sold, not voided ranges paid at or before `cutoff`, in number order (for sealing a draw). */
  soldRanges(
    raffleId: string,
    cutoff: Date,
  ): Promise<
    Array<{ id: string; first_number: number | null; last_number: number | null; sold_at: Date | null }>
  > {
    return this.db
      .selectFrom('ticket_order')
      .select(['id', 'first_number', 'last_number', 'sold_at'])
      .where('raffle_id', '=', raffleId)
      .where('status', '=', 'PAID')
      .where('sold_at', '<=', cutoff)
      .orderBy('first_number')
      .execute();
  }

  /**
   * The first and last numbers of every paid order of a raffle as two int8[] in text form, aligned
   * (one aggregate node reads each row once for both): two values instead of millions of rows, for
   * the draw's cross-check of a set of millions of tickets. Unordered on purpose: an ordered read
   * walks the (raffle_id, first_number) index and fetches the heap row by row, several times the
   * cost of a sequential scan when orders are not stored in number order (offline POS uploads).
   */
  async paidNumberArrays(raffleId: string): Promise<{ firsts: string; lasts: string }> {
    const { rows } = await sql<{ firsts: string | null; lasts: string | null }>`
      select array_agg(first_number)::text as firsts, array_agg(last_number)::text as lasts
      from ticket_order where raffle_id = ${raffleId} and status = 'PAID'`.execute(this.db);
    return { firsts: rows[0]?.firsts ?? '{}', lasts: rows[0]?.lasts ?? '{}' };
  }

  /**
   * How many offline sales of a raffle a device recorded before `cutoff` (from blocks reserved before
   * it: a sale is never recorded before its block was reserved), whatever became of them since.
   */
  async offlineSalesBefore(raffleId: string, cutoff: Date): Promise<number> {
    const row = await this.db
      .selectFrom('ticket_order')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where(
        'block_id',
        'in',
        this.db
          .selectFrom('ticket_block')
          .select('id')
          .where('raffle_id', '=', raffleId)
          .where('reserved_at', '<', cutoff),
      )
      .where('channel', '=', 'POS_OFFLINE')
      .where('sold_at', '<', cutoff)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  /** One page of a raffle's orders that hold numbers, by first number after `after` (the register). */
  numberedOrdersPage(raffleId: string, after: number, limit: number) {
    return this.db
      .selectFrom('ticket_order')
      .select([
        'id',
        'status',
        'first_number',
        'last_number',
        'block_id',
        'channel',
        'package_id',
        'price_minor',
        'seller_id',
        'device_id',
        'sold_at',
        'closed_at',
        'close_reason',
      ])
      .where('raffle_id', '=', raffleId)
      .where('first_number', '>', after)
      .orderBy('first_number')
      .limit(limit)
      .execute();
  }

  /** Tickets and orders per status (sold in blocks counted apart). */
  async orderTotals(
    raffleId: string,
  ): Promise<Array<{ status: string; in_block: boolean; orders: number; tickets: number; amount: number }>> {
    const { rows } = await sql<{
      status: string;
      in_block: boolean;
      orders: number;
      tickets: number;
      amount: number;
    }>`
      select status, block_id is not null as in_block, count(*)::int8 as orders,
             coalesce(sum(ticket_count), 0)::int8 as tickets, coalesce(sum(price_minor), 0)::int8 as amount
      from ticket_order where raffle_id = ${raffleId}
      group by status, block_id is not null`.execute(this.db);
    return rows;
  }

  /**
   * How the issued numbers are covered by the top-level ranges (orders sold directly, and blocks):
   * they must tile 1..n exactly, with no gap and no overlap (`breaks` counts both).
   */
  async numberCoverage(raffleId: string, db: Db = this.db): Promise<NumberCoverage> {
    const { rows } = await sql<NumberCoverage>`
      with ranges as (
        select first_number as f, last_number as l from ticket_order
          where raffle_id = ${raffleId} and first_number is not null and block_id is null
        union all
        select first_number, last_number from ticket_block where raffle_id = ${raffleId}
      ), ordered as (
        select f, l, lag(l) over (order by f) as previous from ranges
      )
      select count(*)::int8 as ranges, min(f) as lowest, max(l) as highest,
             coalesce(sum(l - f + 1), 0)::int8 as numbers,
             count(*) filter (where previous is not null and f <> previous + 1)::int8 as breaks
      from ordered`.execute(db);
    return rows[0];
  }

  /**
   * The counter and the coverage of the numbers read in one snapshot: read apart while sales
   * commit, they disagree for a moment and a reconciliation would report a break that is not there.
   */
  numbersSnapshot(
    raffleId: string,
  ): Promise<{ counter: CounterState | undefined; coverage: NumberCoverage }> {
    return this.database.transaction(
      async (trx) => ({
        counter: await this.counter(raffleId, trx),
        coverage: await this.numberCoverage(raffleId, trx),
      }),
      { isolation: 'repeatable read' },
    );
  }
}

function toIso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : value;
}

function toCounterState(row: Selectable<TicketCounterTable>): CounterState {
  return {
    nextNumber: row.next_number,
    maxTickets: row.max_tickets,
    sold: row.sold_tickets,
    held: row.held_tickets,
    reserved: row.reserved_tickets,
    voided: row.voided_tickets,
    returned: row.returned_tickets,
    paidTotalMinor: row.paid_total_minor,
    soldOrders: row.sold_orders,
    salesOpen: row.sales_open,
    salesOpenAt: row.sales_open_at,
    salesCloseAt: row.sales_close_at,
  };
}
