import { Injectable } from '@nestjs/common';
import { parseVerifierKey } from './core/note-keys.js';
import { JournalVerifier, type VerifyJournalResult } from './core/verify-journal.js';
import { LedgerAnchoring } from './ledger-anchoring.js';
import { LedgerRepository, type EntryRow } from './ledger.repository.js';
import { LedgerService, toJournalEntry } from './ledger.service.js';

const PAGE = 5_000;

export interface IntegrityReport extends VerifyJournalResult {
  /** Tree size and root the database's own state row claims (a rewrite must agree with it too). */
  claimedTreeSize: number;
  claimedRootHash: string;
  anchoredCheckpoints: number;
}

/**
 * Re-verifies the whole journal from the database with the same code as the offline verifier:
 * every hash and link, the Merkle root, and every checkpoint anchored outside the database. A
 * change to any row, even by a superuser with the triggers disabled, is located to its entry;
 * a truncated tail is caught by the anchored checkpoints.
 */
@Injectable()
export class LedgerIntegrity {
  constructor(
    private readonly repository: LedgerRepository,
    private readonly ledger: LedgerService,
    private readonly anchoring: LedgerAnchoring,
  ) {}

  async verify(): Promise<IntegrityReport> {
    const anchor = this.anchoring.anchor;
    const anchored = await anchor.list();
    const checkpoints = [];
    for (const { treeSize, location } of anchored) {
      const checkpoint = await anchor.read(treeSize);
      if (checkpoint) checkpoints.push({ source: location, note: checkpoint.note });
    }
    const verifier = new JournalVerifier({
      checkpoints,
      verifiers: [parseVerifierKey(this.ledger.publicKey().verifierKey)],
      origin: this.ledger.signingKeyName,
    });
    const state = await this.repository.state();
    for (let next = 0; ;) {
      const page = await this.repository.entriesFrom(next, PAGE);
      if (page.length === 0) break;
      for (const row of page) verifier.addEntry(readableEntry(row));
      next = page[page.length - 1].seq + 1;
    }
    const result = verifier.finish();
    const problems = [...result.problems];
    if (state.tree_size !== result.treeSize || state.root_hash.toString('hex') !== result.rootHash) {
      problems.push({
        seq: Math.min(state.tree_size, result.treeSize),
        kind: 'state-mismatch',
        message:
          `the journal holds ${result.treeSize} entries with root ${result.rootHash}, but the ledger state ` +
          `claims ${state.tree_size} entries with root ${state.root_hash.toString('hex')}`,
      });
    }
    return {
      ...result,
      ok: problems.length === 0,
      problems,
      firstBadSeq: result.firstBadSeq ?? problems.find((p) => p.seq !== undefined)?.seq,
      claimedTreeSize: state.tree_size,
      claimedRootHash: state.root_hash.toString('hex'),
      anchoredCheckpoints: checkpoints.length,
    };
  }
}

/** A row whose payload is no longer JSON is still fed, so the verifier reports it at its seq. */
function readableEntry(row: EntryRow): unknown {
  try {
    return toJournalEntry(row);
  } catch {
    return { ...toJournalEntry({ ...row, payload: '{}' }), payload: row.payload };
  }
}
