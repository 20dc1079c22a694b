import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { DatabaseService, type Tx } from '../database/database.service.js';
import { LedgerService, type QueuedEntry } from '../ledger/ledger.service.js';
import { eventCategory, eventRow, typesOf, type EventCategory, type EventRow } from './event-catalogue.js';
import { significantEventPayload, type SignificantEvent } from './significant-event.js';

/** This process, as significant events and SERVICE_STARTED name it. */
export interface ServiceInstance {
  /** New at every start: pairs SERVICE_STARTED with SERVICE_STOPPED and names the writer of each event. */
  bootId: string;
  host: string;
  pid: number;
}

/**
 * Journals significant events (GLI31 LOG-1..LOG-3): who (actor), when, from where (source
 * address), what happened (type, component, details) and how it ended (outcome). Other modules
 * call `record`, inside their own transaction when the event belongs to a state change.
 */
@Injectable()
export class AuditService {
  readonly instance: ServiceInstance = { bootId: randomUUID(), host: hostname(), pid: process.pid };

  constructor(
    private readonly database: DatabaseService,
    private readonly ledger: LedgerService,
  ) {}

  /**
   * Journals one significant event. With `trx` it joins the caller's transaction (the event
   * exists exactly when the change does); without, it commits in a transaction of its own.
   */
  async record(event: SignificantEvent, trx?: Tx): Promise<QueuedEntry> {
    const [queued] = await this.recordAll([event], trx);
    return queued;
  }

  /** Several events in one transaction, in this order. */
  async recordAll(events: readonly SignificantEvent[], trx?: Tx): Promise<QueuedEntry[]> {
    if (events.length === 0) return [];
    const drafts = events.map((event) => ({
      type: event.type,
      subject: event.subject,
      payload: significantEventPayload(event, this.instance.bootId),
    }));
    if (trx) return this.ledger.append(trx, ...drafts);
    return this.database.transaction((own) => this.ledger.append(own, ...drafts));
  }

  /**
   * Waits until committed events have their place in the journal (sequence number and hash);
   * returns their sequence numbers.
   */
  async integrated(entries: readonly QueuedEntry[], timeoutMs?: number): Promise<number[]> {
    if (entries.length === 0) return [];
    return (await this.ledger.integrated([...entries], timeoutMs)).map((entry) => entry.seq);
  }

  /**
   * The significant events of some categories journaled before `treeSize` (optionally about one
   * subject, in a time window), in seq order, read page by page from the journal.
   */
  async *events(filter: {
    treeSize: number;
    categories: readonly EventCategory[];
    subject?: string;
    from?: Date;
    to?: Date;
  }): AsyncGenerator<EventRow> {
    const entries = this.ledger.entries({
      treeSize: filter.treeSize,
      subject: filter.subject,
      types: typesOf(filter.categories),
      from: filter.from,
      to: filter.to,
    });
    for await (const entry of entries) {
      if (filter.categories.includes(eventCategory(entry.type))) yield eventRow(entry);
    }
  }
}
