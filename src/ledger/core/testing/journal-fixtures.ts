// Synthetic journals for tests and benchmarks: realistic entry shapes, deterministic content.
import { hash } from 'node:crypto';
import { CompactRange } from '../compact-range.js';
import { chainEntries, type EntryDraft, exportLine, type JournalEntry, ZERO_HASH } from '../entry.js';
import { signCheckpoint, timeExtension } from '../checkpoint.js';
import { hashFromHex } from '../encoding.js';
import {
  formatSignerKey,
  type NoteSigner,
  type NoteVerifier,
  parseSignerKey,
  parseVerifierKey,
  verifierKeyOf,
} from '../note-keys.js';

export const TEST_ORIGIN = 'fairdraw.test/ledger';
const BASE_TIME = Date.parse('2026-11-23T08:00:00.000Z');

export function draftAt(i: number): EntryDraft {
  const time = new Date(BASE_TIME + i * 1000).toISOString();
  switch (i % 4) {
    case 0:
      // The ticket module's shape (src/ticket/core/sales-journal.ts), which the verifier's draw
      // recomputation reads.
      return {
        type: 'TICKETS_SOLD',
        subject: `raffle/raffle-${i % 7}`,
        payload: {
          orderId: `ord_${i}`,
          raffleId: `raffle-${i % 7}`,
          first: i * 5 + 1,
          last: i * 5 + 5,
          tickets: 5,
          priceMinor: 2000,
          currency: 'CAD',
          channel: i % 3 === 0 ? 'ONLINE' : 'POS',
          buyer: { name: `Buyer ${i}`, email: `buyer${i}@example.org` },
        },
        time,
      };
    case 1:
      return {
        type: 'PAYMENT_CAPTURED',
        subject: `raffle-${i % 7}`,
        payload: { orderId: `ord_${i - 1}`, provider: 'stripe', amountMinor: 2000 },
        time,
      };
    case 2:
      return {
        type: 'AUDIT_EVENT',
        subject: null,
        payload: { actor: 'operator@fairdraw', action: 'LOGIN', note: 'Connexion réussie ✓' },
        time,
      };
    default:
      return {
        type: 'RNG_HEALTH',
        subject: null,
        payload: { provider: 'os', certified: false, samples: [i % 256, (i * 7) % 256, 0] },
        time,
      };
  }
}

export function makeJournal(size: number, startSeq = 0, prevHash = ZERO_HASH): JournalEntry[] {
  return chainEntries(
    prevHash,
    startSeq,
    Array.from({ length: size }, (_, i) => draftAt(startSeq + i)),
  );
}

export function exportLines(entries: readonly JournalEntry[]): string[] {
  return entries.map(exportLine);
}

/** The Merkle frontier after the given entries. */
export function frontierOf(entries: readonly JournalEntry[]): CompactRange {
  return CompactRange.fromLeafHashes(entries.map((e) => hashFromHex(e.hash)));
}

/** A fixed test key, so failures reproduce; never used outside tests. */
export function testKeys(name = TEST_ORIGIN): {
  signer: NoteSigner;
  verifier: NoteVerifier;
  verifierKey: string;
} {
  const seed = hash('sha256', `fairdraw test key ${name}`, 'buffer');
  const signer = parseSignerKey(formatSignerKey(name, seed));
  const verifierKey = verifierKeyOf(signer);
  return { signer, verifier: parseVerifierKey(verifierKey), verifierKey };
}

/** A checkpoint of the first `size` entries, signed by `signer`. */
export function signedCheckpointOf(
  entries: readonly JournalEntry[],
  size: number,
  signer: NoteSigner,
  origin = TEST_ORIGIN,
): string {
  const rootHash = frontierOf(entries.slice(0, size)).root();
  const time = size > 0 ? entries[size - 1].time : '2026-11-23T07:59:59.000Z';
  return signCheckpoint({ origin, size, rootHash, extensions: [timeExtension(time)] }, [signer]);
}
