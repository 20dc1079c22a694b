import { Injectable } from '@nestjs/common';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { DatabaseService, sqlState, type Tx } from '../database/database.service.js';
import { prepared } from '../database/prepared-statements.js';
import type { Database } from '../database/schema.js';
import type { NodeId } from './core/node-id.js';
import { HASH_SIZE } from './core/rfc9162.js';

/** Only one replica integrates the queue at a time ("FDLG"). */
const SEQUENCER_LOCK = 0x46444c47;
/** PostgreSQL's lock_not_available: a lock wait ran past lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';
/** Only one replica anchors checkpoints at a time ("FDAN"). */
const ANCHOR_LOCK = 0x4644414e;

// The statements an append and the sequencer run all the time are prepared once per connection (see
// src/database/prepared-statements.ts): parsing and planning were a good part of what they cost.

/**
 * Queue ids one nextval reserves (the sequence's increment, set by migration
 * 20261206_01_ledger_queue_id_blocks): a process hands its appends ids from its block, so queuing is
 * an INSERT with no RETURNING to answer.
 */
export const QUEUE_ID_BLOCK = 1024;

const RESERVE_IDS = prepared(`select nextval('ledger_queue_id_seq') as first`);

/** How many rows one append may queue through a prepared statement; more go as a one-off text. */
const PREPARED_ENQUEUE_ROWS = 8;
const enqueueTexts: string[] = [];

/** INSERT of n rows: $1 is the time they share, then id, type, subject and payload of each. */
function enqueueText(n: number): string {
  const cached = enqueueTexts[n];
  if (cached !== undefined) return cached;
  const values = Array.from(
    { length: n },
    (_, i) => `($${4 * i + 2}::int8, $${4 * i + 3}, $${4 * i + 4}, $${4 * i + 5}, $1::timestamptz)`,
  );
  const text = `insert into ledger_queue (id, type, subject, payload, recorded_at) values ${values.join(', ')}`;
  if (n > PREPARED_ENQUEUE_ROWS) return text;
  return (enqueueTexts[n] = prepared(text));
}

// The lock is tried only when something is queued: every replica polls, and a poll that held the
// lock for nothing would make another replica's integrating transaction queue its entries (busy).
const LOCK_AND_TAKE = prepared(`
  select lock.locked, queued.id, queued.type, queued.subject, queued.payload, queued.recorded_at
  from (
    select case when exists (select from ledger_queue) then pg_try_advisory_xact_lock($1) end as locked
  ) as lock
  left join lateral (
    select id, type, subject, payload, recorded_at from ledger_queue
    where lock.locked order by id limit $2
  ) as queued on true`);

/**
 * LedgerRepository.integrate. $1-$2 the tree it extends (size, last hash); $3 the queue ids in the
 * order of their sequence numbers, from $1 on; $4 their hashes, 32 bytes each, end to end; $5-$7 the
 * completed nodes (levels, indexes, hashes end to end); $8-$11 the new state. Each entry's prev_hash
 * is the hash before it ($2 for the first): sending it too would send every hash twice.
 */
const INTEGRATE = prepared(`
  with unchanged as (
    select from ledger_state where id = 1 and tree_size = $1::int8 and last_hash = $2::bytea
  ), link as (
    select link.queue_id, $1::int8 + link.ord - 1 as seq, substring($4::bytea from 32 * link.ord::int4 - 31 for 32) as hash
    from unnest($3::int8[]) with ordinality as link (queue_id, ord)
  ), chain as (
    select link.queue_id, link.seq, link.hash, coalesce(lag(link.hash) over (order by link.seq), $2::bytea) as prev_hash
    from link
  ), taken as (
    delete from ledger_queue where id = any($3::int8[]) and exists (select from unchanged)
    returning id, type, subject, payload, recorded_at
  ), entries as (
    insert into ledger_entry (seq, type, subject, payload, recorded_at, prev_hash, hash, queue_id)
    select chain.seq, taken.type, taken.subject, taken.payload, taken.recorded_at, chain.prev_hash, chain.hash, taken.id
    from taken join chain on chain.queue_id = taken.id
    order by chain.seq
    returning seq
  ), nodes as (
    insert into ledger_node (level, index, hash)
    select node.level, node.index, substring($7::bytea from 32 * node.ord::int4 - 31 for 32)
    from unnest($5::int2[], $6::int8[]) with ordinality as node (level, index, ord)
    where exists (select from unchanged)
    returning level
  ), state as (
    update ledger_state
    set tree_size = $8::int8, root_hash = $9::bytea, last_hash = $10::bytea, frontier = $11::text,
        updated_at = now()
    where id = 1 and exists (select from unchanged)
    returning id
  )
  select (select count(*) from entries)::int4 as entries, (select count(*) from nodes)::int4 as nodes,
         (select count(*) from state)::int4 as states`);

/**
 * LedgerRepository.integrateOrQueue. $1 the sequencer lock; $2-$3 the tree the caller extends (size,
 * last hash); $4 the time the entries share; $5-$7 queue id, type and subject of each entry, in the
 * order of their sequence numbers from $2 on, and $8 their canonical payloads as one JSON array
 * (json_array_elements gives back each element's text exactly, so no text[] escaping is needed, which
 * costs the driver a regular expression pass over every payload); $9 their hashes, 32 bytes each,
 * end to end; $10-$12 the completed nodes; $13-$16 the new state.
 *
 * The state row is read FOR UPDATE, so it is checked against the latest committed tree even when
 * another sequencer committed between this statement's snapshot and the advisory lock; SKIP LOCKED
 * makes a concurrent integrator a "busy" answer, never a wait inside this statement (whose snapshot
 * would then be older than the lock). Entries are queued while others committed before them are:
 * the journal keeps the order in which a transaction could have seen them (a sale into a block
 * comes after the block's reservation). Busy, or with the locks taken but a stored tree that is not
 * the caller's (another replica extended it), nothing is written; moved, the statement returns the
 * stored tree, still locked, for the caller to extend instead.
 */
const INTEGRATE_OR_QUEUE = prepared(`
  with lock as (
    select pg_try_advisory_xact_lock($1) as locked
  ), behind as (
    select exists (select from ledger_queue) as queued
  ), head as (
    select tree_size, last_hash, frontier from ledger_state
    where id = 1 and (select locked from lock) and not (select queued from behind)
    for update skip locked
  ), fits as (
    select from head where tree_size = $2::int8 and last_hash = $3::bytea
  ), draft as (
    select draft.queue_id, draft.type, draft.subject, payload.text::text as payload, draft.ord
    from unnest($5::int8[], $6::text[], $7::text[]) with ordinality as draft (queue_id, type, subject, ord)
    join json_array_elements($8::json) with ordinality as payload (text, ord) on payload.ord = draft.ord
  ), entries as (
    insert into ledger_entry (seq, type, subject, payload, recorded_at, prev_hash, hash, queue_id)
    select $2::int8 + draft.ord - 1, draft.type, draft.subject, draft.payload, $4::timestamptz,
           case when draft.ord = 1 then $3::bytea else substring($9::bytea from 32 * draft.ord::int4 - 63 for 32) end,
           substring($9::bytea from 32 * draft.ord::int4 - 31 for 32), draft.queue_id
    from draft
    where exists (select from fits)
    order by draft.ord
    returning seq
  ), queued as (
    insert into ledger_queue (id, type, subject, payload, recorded_at)
    select draft.queue_id, draft.type, draft.subject, draft.payload, $4::timestamptz
    from draft
    where (select queued from behind)
    returning id
  ), nodes as (
    insert into ledger_node (level, index, hash)
    select node.level, node.index, substring($12::bytea from 32 * node.ord::int4 - 31 for 32)
    from unnest($10::int2[], $11::int8[]) with ordinality as node (level, index, ord)
    where exists (select from fits)
    returning level
  ), state as (
    update ledger_state
    set tree_size = $13::int8, root_hash = $14::bytea, last_hash = $15::bytea, frontier = $16::text,
        updated_at = now()
    where id = 1 and exists (select from fits)
    returning id
  )
  select (select locked from lock) as locked, (select queued from behind) as behind,
         (select count(*) from entries)::int4 as entries,
         (select count(*) from queued)::int4 as queued, (select count(*) from nodes)::int4 as nodes,
         (select count(*) from state)::int4 as states,
         stored.tree_size as stored_size, stored.last_hash as stored_last_hash, stored.frontier as stored_frontier
  from (select 1) as one left join (select * from head where not exists (select from fits)) as stored on true`);

/**
 * What integrateOrQueue did: integrated every entry; queued every entry because entries committed
 * earlier were still queued (behind); wrote nothing because another transaction held the sequencer
 * lock (busy); or wrote nothing because the stored tree was not the caller's (moved), in which case
 * the caller's transaction now holds the sequencer lock and the state row, and `stored` is the tree
 * to extend.
 */
export type IntegrateOrQueueResult =
  | { outcome: 'integrated' | 'queued:behind' | 'busy' }
  | { outcome: 'moved'; stored: Pick<StateRow, 'tree_size' | 'last_hash' | 'frontier'> };

export interface QueuedRow {
  id: number;
  type: string;
  subject: string | null;
  payload: string;
  recorded_at: Date;
}

export interface EntryRow {
  seq: number;
  type: string;
  subject: string | null;
  payload: string;
  recorded_at: Date;
  prev_hash: Buffer;
  hash: Buffer;
}

export interface StateRow {
  tree_size: number;
  root_hash: Buffer;
  last_hash: Buffer;
  frontier: string;
  updated_at: Date;
}

type Db = Kysely<Database> | Tx;

type Nullable<T> = { [K in keyof T]: T[K] | null };

/** Which entries a reader wants: about a subject, of some types, recorded in a time window. */
export interface EntryFilter {
  subject?: string;
  types?: readonly string[];
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

/** Every SQL statement of the ledger module. */
@Injectable()
export class LedgerRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db(): Kysely<Database> {
    return this.database.db;
  }

  /**
   * Queues entries recorded at one time under the given ids (from reserveQueueIds, ascending: the
   * sequencer takes the queue in id order).
   */
  enqueue(
    trx: Tx | undefined,
    recordedAt: Date,
    rows: ReadonlyArray<Pick<QueuedRow, 'id' | 'type' | 'subject' | 'payload'>>,
  ): Promise<unknown> {
    const parameters: unknown[] = [recordedAt.toISOString()];
    for (const row of rows) parameters.push(row.id, row.type, row.subject, row.payload);
    const text = enqueueText(rows.length);
    // Outside a transaction on PostgreSQL, straight to the pool rather than through Kysely's
    // executor (its query id, connection provider and async acquire and release cost Node CPU on
    // the append's one round trip; see docs/performance.md, Ledger).
    const pool = trx === undefined ? this.database.pool : undefined;
    if (pool !== undefined) return pool.query(text, parameters);
    return (trx ?? this.db).executeQuery(CompiledQuery.raw(text, parameters));
  }

  /** Reserves the queue ids [first, first + QUEUE_ID_BLOCK) for this process; returns first. */
  async reserveQueueIds(trx: Tx | undefined): Promise<number> {
    const { rows } = await (trx ?? this.db).executeQuery<{ first: number }>(
      CompiledQuery.raw(RESERVE_IDS, []),
    );
    return rows[0].first;
  }

  /**
   * Takes the sequencer lock and, if it was free, the oldest queued rows, in one round trip; returns
   * undefined when another replica holds the lock, and no rows without taking the lock when nothing
   * is queued. The rows are read from the statement's snapshot, which may predate the lock by the
   * instant another sequencer needed to commit: `integrate` moves them only if they are all still
   * queued and the tree is still the one the caller extends.
   */
  async lockAndTakeQueued(trx: Tx, limit: number): Promise<QueuedRow[] | undefined> {
    const { rows } = await trx.executeQuery<{ locked: boolean | null } & Nullable<QueuedRow>>(
      CompiledQuery.raw(LOCK_AND_TAKE, [SEQUENCER_LOCK, limit]),
    );
    if (rows[0].locked === null) return [];
    if (!rows[0].locked) return undefined;
    return rows[0].id === null ? [] : (rows as QueuedRow[]);
  }

  async tryLockAnchoring(trx: Tx): Promise<boolean> {
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_xact_lock(${ANCHOR_LOCK}) as locked`.execute(trx);
    return rows[0].locked;
  }

  async newestQueuedId(): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('ledger_queue')
      .select('id')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  /** By time, not by id: a process hands out ids from a block it reserved earlier. */
  async oldestQueuedAt(): Promise<Date | undefined> {
    const row = await this.db
      .selectFrom('ledger_queue')
      .select((eb) => eb.fn.min('recorded_at').as('oldest'))
      .executeTakeFirst();
    return row?.oldest ?? undefined;
  }

  state(db: Db = this.db): Promise<StateRow> {
    return db
      .selectFrom('ledger_state')
      .select(['tree_size', 'root_hash', 'last_hash', 'frontier', 'updated_at'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
  }

  /**
   * Moves a batch from the queue into the journal in one statement: deletes the queued rows, inserts
   * them as entries with the sequence numbers and hashes the sequencer computed (type, subject,
   * payload and time are copied inside the database, so they are the very values it hashed; each
   * entry's prev_hash is the hash before it), stores the completed Merkle nodes and the new tree
   * state. The batch's entries take the sequence numbers from `from.tree_size` on, in the order of
   * `queueIds`, whose hashes `hashes` holds. Nothing is written into the journal unless the stored
   * tree is still `from` (the sequencer keeps the tree between batches; another replica may have
   * extended it since). Returns false, and the caller must roll back, unless the tree was `from` and
   * every queued row was there to move.
   */
  async integrate(
    trx: Tx,
    from: { tree_size: number; last_hash: Buffer },
    queueIds: readonly number[],
    hashes: readonly Buffer[],
    nodes: ReadonlyArray<NodeId & { hash: Buffer }>,
    state: { tree_size: number; root_hash: Buffer; last_hash: Buffer; frontier: string },
  ): Promise<boolean> {
    if (hashes.length !== queueIds.length) throw new Error('one hash per queued entry');
    checkHashSizes(hashes, nodes);
    // The hashes go as two bytea parameters, which pg sends in binary: no hex text on either side.
    const { rows } = await trx.executeQuery<{ entries: number; nodes: number; states: number }>(
      CompiledQuery.raw(INTEGRATE, [
        from.tree_size,
        from.last_hash,
        queueIds,
        Buffer.concat(hashes),
        nodes.map((n) => n.level),
        nodes.map((n) => n.index),
        Buffer.concat(nodes.map((n) => n.hash)),
        state.tree_size,
        state.root_hash,
        state.last_hash,
        state.frontier,
      ]),
    );
    const moved = rows[0];
    return moved.entries === queueIds.length && moved.nodes === nodes.length && moved.states === 1;
  }

  /**
   * Appends entries in the caller's transaction straight into the journal when this transaction can
   * take the sequencer lock and the stored tree is still `from`; otherwise queues them, as enqueue
   * does. One statement either way. Integrated, the entries take the sequence numbers from
   * `from.tree_size` on with the hashes the caller computed over the same type, subject, payload and
   * time, and the lock is held until the caller's transaction ends.
   */
  async integrateOrQueue(
    trx: Tx,
    from: { tree_size: number; last_hash: Buffer },
    recordedAt: Date,
    rows: ReadonlyArray<Pick<QueuedRow, 'id' | 'type' | 'subject' | 'payload'>>,
    hashes: readonly Buffer[],
    nodes: ReadonlyArray<NodeId & { hash: Buffer }>,
    state: { tree_size: number; root_hash: Buffer; last_hash: Buffer; frontier: string },
  ): Promise<IntegrateOrQueueResult> {
    if (hashes.length !== rows.length) throw new Error('one hash per entry');
    checkHashSizes(hashes, nodes);
    const { rows: result } = await trx.executeQuery<{
      locked: boolean;
      behind: boolean;
      entries: number;
      queued: number;
      nodes: number;
      states: number;
      stored_size: number | null;
      stored_last_hash: Buffer | null;
      stored_frontier: string | null;
    }>(
      CompiledQuery.raw(INTEGRATE_OR_QUEUE, [
        SEQUENCER_LOCK,
        from.tree_size,
        from.last_hash,
        recordedAt.toISOString(),
        rows.map((row) => row.id),
        rows.map((row) => row.type),
        rows.map((row) => row.subject),
        `[${rows.map((row) => row.payload).join(',')}]`,
        Buffer.concat(hashes),
        nodes.map((n) => n.level),
        nodes.map((n) => n.index),
        Buffer.concat(nodes.map((n) => n.hash)),
        state.tree_size,
        state.root_hash,
        state.last_hash,
        state.frontier,
      ]),
    );
    const done = result[0];
    if (done.entries === rows.length && done.nodes === nodes.length && done.states === 1)
      return { outcome: 'integrated' };
    if (done.entries === 0 && done.states === 0) {
      if (done.queued === rows.length && done.behind) return { outcome: 'queued:behind' };
      if (done.queued === 0 && done.stored_size === null) return { outcome: 'busy' };
      if (done.queued === 0 && done.stored_size !== null)
        return {
          outcome: 'moved',
          stored: {
            tree_size: done.stored_size,
            last_hash: done.stored_last_hash!,
            frontier: done.stored_frontier!,
          },
        };
    }
    throw new Error(
      `integrate-or-queue wrote ${done.entries} entries, ${done.queued} queued rows, ${done.nodes} nodes, ${done.states} states for ${rows.length} entries`,
    );
  }

  /**
   * Waits up to `timeoutMs` for the sequencer lock, held to the end of the caller's transaction;
   * false when it was not free in time (the transaction goes on, without it). Its holders keep it
   * for one batch: a sequencer's (at most LEDGER_BATCH_SIZE entries) or an integrating transaction's
   * last statements and commit. The wait runs in a savepoint, so that a timeout only undoes the
   * savepoint, and with the lock timeout set for that one statement.
   */
  async waitForSequencerLock(trx: Tx, timeoutMs: number): Promise<boolean> {
    await sql`savepoint sequencer_lock_wait`.execute(trx);
    try {
      // The setting before the wait is read in a subquery kept apart (offset 0), so that its row
      // exists before the select list sets the timeout, waits, and puts it back.
      await sql`select set_config('lock_timeout', ${`${timeoutMs}ms`}, true),
               pg_advisory_xact_lock(${SEQUENCER_LOCK}),
               set_config('lock_timeout', previous.value, true)
        from (select current_setting('lock_timeout') as value offset 0) as previous`.execute(trx);
      return true;
    } catch (error) {
      if (sqlState(error) !== LOCK_NOT_AVAILABLE) throw error;
      await sql`rollback to savepoint sequencer_lock_wait`.execute(trx);
      return false;
    }
  }

  entriesByQueueIds(ids: number[]): Promise<Array<{ queue_id: number | null; seq: number; hash: Buffer }>> {
    return this.db
      .selectFrom('ledger_entry')
      .select(['queue_id', 'seq', 'hash'])
      .where('queue_id', 'in', ids)
      .execute();
  }

  entry(seq: number): Promise<EntryRow | undefined> {
    return this.db
      .selectFrom('ledger_entry')
      .select(['seq', 'type', 'subject', 'payload', 'recorded_at', 'prev_hash', 'hash'])
      .where('seq', '=', seq)
      .executeTakeFirst();
  }

  /** Entries [from, to) in order, one page at a time (keyset pagination works on both engines). */
  entriesPage(from: number, to: number, limit: number): Promise<EntryRow[]> {
    return this.db
      .selectFrom('ledger_entry')
      .select(['seq', 'type', 'subject', 'payload', 'recorded_at', 'prev_hash', 'hash'])
      .where('seq', '>=', from)
      .where('seq', '<', to)
      .orderBy('seq')
      .limit(limit)
      .execute();
  }

  /** Every row from `from` on, in the order the database returns by seq (gaps and all). */
  entriesFrom(from: number, limit: number): Promise<EntryRow[]> {
    return this.db
      .selectFrom('ledger_entry')
      .select(['seq', 'type', 'subject', 'payload', 'recorded_at', 'prev_hash', 'hash'])
      .where('seq', '>=', from)
      .orderBy('seq')
      .limit(limit)
      .execute();
  }

  /**
   * Integrated entries about one subject, of the given types, with from <= seq < to, in seq order
   * (one page; served by the index on (subject, seq)).
   */
  entriesAbout(
    subject: string,
    types: readonly string[],
    from: number,
    to: number,
    limit: number,
  ): Promise<EntryRow[]> {
    return this.db
      .selectFrom('ledger_entry')
      .select(['seq', 'type', 'subject', 'payload', 'recorded_at', 'prev_hash', 'hash'])
      .where('subject', '=', subject)
      .where('type', 'in', [...types])
      .where('seq', '>=', from)
      .where('seq', '<', to)
      .orderBy('seq')
      .limit(limit)
      .execute();
  }

  /** How many entries about one subject, of the given types (recorded before a time), are queued. */
  async queuedAbout(
    subject: string,
    types: readonly string[],
    recordedBefore: Date | undefined,
    db: Db = this.db,
  ): Promise<number> {
    let query = db
      .selectFrom('ledger_queue')
      .select((eb) => eb.fn.countAll<number>().as('queued'))
      .where('subject', '=', subject)
      .where('type', 'in', [...types]);
    if (recordedBefore !== undefined) query = query.where('recorded_at', '<', recordedBefore);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.queued);
  }

  /** How many integrated entries about one subject, of the given types (recorded before a time), have seq >= from. */
  async countAboutFrom(
    subject: string,
    types: readonly string[],
    from: number,
    recordedBefore: Date | undefined,
    db: Db = this.db,
  ): Promise<number> {
    let query = db
      .selectFrom('ledger_entry')
      .select((eb) => eb.fn.countAll<number>().as('entries'))
      .where('subject', '=', subject)
      .where('type', 'in', [...types])
      .where('seq', '>=', from);
    if (recordedBefore !== undefined) query = query.where('recorded_at', '<', recordedBefore);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.entries);
  }

  /** The stored hashes of these perfect subtrees, in the order asked. */
  async nodeHashes(ids: readonly NodeId[]): Promise<Buffer[]> {
    const leaves = ids.filter((id) => id.level === 0).map((id) => id.index);
    const inner = ids.filter((id) => id.level > 0);
    const found = new Map<string, Buffer>();
    if (leaves.length > 0) {
      const rows = await this.db
        .selectFrom('ledger_entry')
        .select(['seq', 'hash'])
        .where('seq', 'in', leaves)
        .execute();
      for (const row of rows) found.set(`0/${row.seq}`, row.hash);
    }
    if (inner.length > 0) {
      const rows = await this.db
        .selectFrom('ledger_node')
        .select(['level', 'index', 'hash'])
        .where((eb) =>
          eb.or(inner.map((id) => eb.and([eb('level', '=', id.level), eb('index', '=', id.index)]))),
        )
        .execute();
      for (const row of rows) found.set(`${row.level}/${row.index}`, row.hash);
    }
    return ids.map((id) => {
      const hash = found.get(`${id.level}/${id.index}`);
      if (!hash) throw new Error(`ledger node ${id.level}/${id.index} is missing`);
      return hash;
    });
  }

  checkpoint(treeSize: number, db: Db = this.db): Promise<{ tree_size: number; note: string } | undefined> {
    return db
      .selectFrom('ledger_checkpoint')
      .select(['tree_size', 'note'])
      .where('tree_size', '=', treeSize)
      .executeTakeFirst();
  }

  async saveCheckpoint(trx: Tx, row: { tree_size: number; root_hash: Buffer; note: string }): Promise<void> {
    await trx
      .insertInto('ledger_checkpoint')
      .values(row)
      .onConflict((oc) => oc.column('tree_size').doNothing())
      .execute();
  }

  latestAnchor(db: Db = this.db): Promise<{ tree_size: number; anchored_at: Date } | undefined> {
    return db
      .selectFrom('ledger_anchor')
      .select(['tree_size', 'anchored_at'])
      .orderBy('tree_size', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async saveAnchor(
    trx: Tx,
    row: {
      tree_size: number;
      anchor: string;
      location: string;
      version_id: string | null;
      retain_until: Date | null;
      sha256: string;
      anchored_at: Date;
    },
  ): Promise<void> {
    await trx
      .insertInto('ledger_anchor')
      .values(row)
      .onConflict((oc) => oc.columns(['tree_size', 'anchor']).doNothing())
      .execute();
  }

  anchoredCheckpoints(): Promise<Array<{ tree_size: number; note: string }>> {
    return this.db
      .selectFrom('ledger_checkpoint')
      .innerJoin('ledger_anchor', 'ledger_anchor.tree_size', 'ledger_checkpoint.tree_size')
      .select(['ledger_checkpoint.tree_size', 'ledger_checkpoint.note'])
      .distinct()
      .orderBy('ledger_checkpoint.tree_size')
      .execute();
  }

  /**
   * One page of the entries in (afterSeq, beforeSeq) that match, by seq; the (subject, seq) and
   * (type, seq) indexes serve the subject and type filters.
   */
  entriesMatching(
    filter: EntryFilter,
    afterSeq: number,
    beforeSeq: number,
    limit: number,
  ): Promise<EntryRow[]> {
    let query = this.db
      .selectFrom('ledger_entry')
      .select(['seq', 'type', 'subject', 'payload', 'recorded_at', 'prev_hash', 'hash'])
      .where('seq', '>', afterSeq)
      .where('seq', '<', beforeSeq);
    if (filter.subject !== undefined) query = query.where('subject', '=', filter.subject);
    if (filter.types !== undefined) query = query.where('type', 'in', [...filter.types]);
    if (filter.from !== undefined) query = query.where('recorded_at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('recorded_at', '<', filter.to);
    return query.orderBy('seq').limit(limit).execute();
  }
}

/** The integrating statements cut the hashes out of one byte string 32 bytes at a time. */
function checkHashSizes(hashes: readonly Buffer[], nodes: ReadonlyArray<{ hash: Buffer }>): void {
  if (!hashes.every((h) => h.length === HASH_SIZE) || !nodes.every((n) => n.hash.length === HASH_SIZE)) {
    throw new Error(`every hash must be ${HASH_SIZE} bytes`);
  }
}
