import type { Migration } from 'kysely';
import * as ledger from '../ledger/migrations/20261123_01_ledger.js';
import * as raffle from '../raffle/migrations/20261123_10_raffle.js';
import * as ticket from '../ticket/migrations/20261123_11_ticket.js';
import * as payment from '../payment/migrations/20261123_12_payment.js';
import * as rng from '../rng/migrations/20261123_20_rng.js';
import * as audit from '../audit/migrations/20261123_30_audit.js';
import * as integrity from '../integrity/migrations/20261123_31_integrity.js';
import * as qldbImport from '../ledger/qldb/migrations/20261123_40_qldb_import.js';
import * as draw from '../draw/migrations/20261123_50_draw.js';
import * as ledgerQueueIdBlocks from '../ledger/migrations/20261206_01_ledger_queue_id_blocks.js';
import * as ticketBlockKeys from '../ticket/migrations/20261206_11_ticket_block_idempotency.js';
import * as ticketReprint from '../ticket/migrations/20261206_11_ticket_receipt_reprint.js';
import * as paymentMismatch from '../payment/migrations/20261206_12_payment_mismatch.js';
import * as rngDrawBinding from '../rng/migrations/20261207_21_rng_draw_binding.js';
import * as prizeClaims from '../draw/migrations/20261206_51_prize_claims.js';
import * as complaint from '../complaint/migrations/20261206_60_complaint.js';
import * as privacy from '../privacy/migrations/20261206_70_privacy.js';
import * as finance from '../finance/migrations/20261206_60_finance.js';

/**
 * Every migration of every module, in one ordered list. Names sort in the order they run
 * (date, then a number), so modules can add theirs without renumbering anyone else's.
 * The same migrations run on PostgreSQL and on PGlite.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '20261123_01_ledger': ledger,
  '20261123_10_raffle': raffle,
  '20261123_11_ticket': ticket,
  '20261123_12_payment': payment,
  '20261123_20_rng': rng,
  '20261123_30_audit': audit,
  '20261123_31_integrity': integrity,
  '20261123_40_qldb_import': qldbImport,
  '20261123_50_draw': draw,
  '20261206_01_ledger_queue_id_blocks': ledgerQueueIdBlocks,
  '20261206_11_ticket_block_idempotency': ticketBlockKeys,
  '20261206_11_ticket_receipt_reprint': ticketReprint,
  '20261206_12_payment_mismatch': paymentMismatch,
  '20261206_51_prize_claims': prizeClaims,
  '20261206_60_complaint': complaint,
  '20261206_70_privacy': privacy,
  '20261206_60_finance': finance,
  '20261207_21_rng_draw_binding': rngDrawBinding,
};
