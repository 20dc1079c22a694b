/**
 * The Kysely view of the database. Each module adds its own tables by declaration merging in
 * its `*.tables.ts`, so a table's shape lives beside the module that owns it:
 *
 *   declare module '../database/schema.js' { interface Database { ledger_entry: LedgerEntryTable } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database {}
