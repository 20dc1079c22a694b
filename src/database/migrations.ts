import type { Migration } from 'kysely';

/**
 * Every migration of every module, in one ordered list. Names sort in the order they run
 * (date, then a number), so modules can add theirs without renumbering anyone else's.
 * The same migrations run on PostgreSQL and on PGlite.
 */
export const MIGRATIONS: Record<string, Migration> = {};
