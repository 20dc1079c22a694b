import type { INestApplication } from '@nestjs/common';
import { LedgerMetrics } from '../../src/ledger/ledger-metrics.js';
import { LedgerService } from '../../src/ledger/ledger.service.js';
import type { JournalEntry } from '../../src/ledger/core/entry.js';
import type { TestApp } from './app.js';

/**
 * The journal once every committed entry has been integrated (the tree stopped growing over a
 * few sequencer polls), optionally only the entries about one subject.
 */
export async function journal(t: TestApp, subject?: string): Promise<JournalEntry[]> {
  const ledger = t.app.get(LedgerService);
  let size = -1;
  for (let stable = 0; stable < 3;) {
    await new Promise((resolve) => setTimeout(resolve, 60));
    const now = await ledger.treeSize();
    stable = now === size ? stable + 1 : 0;
    size = now;
  }
  const entries: JournalEntry[] = [];
  for await (const line of ledger.exportLines(0, size)) {
    const entry = JSON.parse(line) as JournalEntry;
    if (subject === undefined || entry.subject === subject) entries.push(entry);
  }
  return entries;
}

export function types(entries: JournalEntry[]): string[] {
  return entries.map((entry) => entry.type);
}

/** How many appends of this process integrating in their own transaction ended with `outcome`. */
export async function integratingOutcomes(app: INestApplication, outcome: string): Promise<number> {
  const counted = await app.get(LedgerMetrics).appendsInTransaction.get();
  return counted.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}
