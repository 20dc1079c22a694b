import type { ColumnType } from 'kysely';

export type OrderStatus = 'PENDING_PAYMENT' | 'PAID' | 'VOIDED' | 'CANCELLED';
export type OrderChannel = 'ONLINE' | 'POS' | 'CASHIER' | 'POS_OFFLINE';
export type BlockStatus = 'RESERVED' | 'SOLD_OUT' | 'RETURNED';

/**
 * One row per raffle, created when sales open: the next ticket number and the running totals.
 * Every sales batch locks it once; a CHECK keeps sold + held + reserved within the maximum.
 */
export interface TicketCounterTable {
  raffle_id: string;
  next_number: number;
  max_tickets: number;
  sold_tickets: number;
  held_tickets: number;
  reserved_tickets: number;
  voided_tickets: number;
  returned_tickets: number;
  paid_total_minor: number;
  sold_orders: number;
  sales_open: boolean;
  sales_open_at: Date;
  sales_close_at: Date;
  updated_at: Date;
}

/** An order of one package; once paid it holds one contiguous range of ticket numbers. */
export interface TicketOrderTable {
  id: string;
  raffle_id: string;
  status: OrderStatus;
  channel: OrderChannel;
  package_id: string;
  ticket_count: number;
  price_minor: number;
  currency: string;
  first_number: number | null;
  last_number: number | null;
  verification_code: string | null;
  seller_id: string;
  device_id: string | null;
  block_id: string | null;
  buyer_key: string | null;
  payment_provider: string;
  payment_ref: string | null;
  created_at: ColumnType<Date, Date, never>;
  sold_at: Date | null;
  expires_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
  closed_by: string | null;
  /** The ledger queue id of the order's TICKETS_SOLD entry: the receipt's journal reference. */
  journal_queue_id: number | null;
}

/** An accepted order request: the same key again returns that order. */
export interface TicketIdempotencyTable {
  raffle_id: string;
  key: string;
  request_hash: string;
  order_id: string;
  created_at: Date;
}

/** An accepted block reservation: the same key again returns that block. */
export interface TicketBlockIdempotencyTable {
  raffle_id: string;
  key: string;
  request_hash: string;
  block_id: string;
  created_at: Date;
}

/** A receipt printed again (TKT-6), numbered per order. */
export interface TicketReceiptReprintTable {
  order_id: string;
  reprint_number: number;
  raffle_id: string;
  reprinted_at: Date;
  reprinted_by: string;
  device_id: string | null;
  reason: string | null;
  /** The ledger queue id of its RECEIPT_REPRINTED entry. */
  journal_queue_id: number;
}

/** Tickets each identified buyer holds in a raffle (sold or awaiting payment). */
export interface TicketBuyerTallyTable {
  raffle_id: string;
  buyer_key: string;
  tickets: number;
}

/** A block of numbers reserved to one seller device for offline sales. */
export interface TicketBlockTable {
  id: string;
  raffle_id: string;
  device_id: string;
  seller_id: string;
  first_number: number;
  last_number: number;
  /** Hex key of the HMAC the device uses for offline verification codes. */
  block_key: string;
  status: BlockStatus;
  sold_tickets: number;
  returned_tickets: number;
  reserved_at: Date;
  closed_at: Date | null;
  close_reason: string | null;
  closed_by: string | null;
}

declare module '../database/schema.js' {
  interface Database {
    ticket_counter: TicketCounterTable;
    ticket_order: TicketOrderTable;
    ticket_idempotency: TicketIdempotencyTable;
    ticket_buyer_tally: TicketBuyerTallyTable;
    ticket_block: TicketBlockTable;
    ticket_block_idempotency: TicketBlockIdempotencyTable;
    ticket_receipt_reprint: TicketReceiptReprintTable;
  }
}
