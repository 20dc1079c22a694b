import { sql, type Kysely } from 'kysely';

/**
 * Each call of nextval on the queue's sequence reserves a block of QUEUE_ID_BLOCK ids
 * (src/ledger/ledger.repository.ts): a service hands its appends ids from its block, so queuing an
 * entry is an INSERT without RETURNING. A plain INSERT that leaves `id` to its default still gets a
 * unique id, the first of a block of its own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter sequence ledger_queue_id_seq increment by 1024`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the ledger is never rolled back');
}
