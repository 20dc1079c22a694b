// @ts-check
// Verifies what GET /v1/draws/{id}/proof publishes: the draw proof (draw-proof.js) and the journal
// around it: the DRAW_SEALED and DRAW_RESULT / DRAW_REDRAWN entries whose payloads are exactly the
// proof's seal and draw, their inclusion in the tree of a signed checkpoint, and the checkpoint's
// signature by the ledger's key, when the reader has that key.

import { VerificationFailure } from './merkle.js';
import { CheckRunner, verifyDrawProof } from './draw-proof.js';
import {
  canonicalJson,
  openSignedNote,
  parseCheckpoint,
  parseVerifierKey,
  readInclusionProof,
  readJournalEntry,
  verifyEntryInCheckpoint,
} from './journal.js';
import { readObject, readString } from './proof-fields.js';

/** @typedef {import('./draw-proof.js').CheckResult} CheckResult */

export const JOURNAL_CHECKS = /** @type {const} */ ([
  ['journal-seal', 'The seal is journaled (DRAW_SEALED entry, hash recomputed) in the checkpoint’s tree'],
  ['journal-draw', 'The draw is journaled (entry hash recomputed) in the checkpoint’s tree, after the seal'],
  ['checkpoint-signature', 'The checkpoint is signed by the ledger’s key'],
]);

/**
 * @param {unknown} response the parsed JSON of GET /v1/draws/{id}/proof
 * @param {{ verifierKey?: string | null }} [options] the ledger's signed-note verifier key, from a
 *   source the reader trusts; without it the signature is reported as not checked
 * @returns {Promise<{ ok: boolean, complete: boolean, checks: CheckResult[], report: import('./draw-proof.js').DrawProofReport }>}
 */
export async function verifyPublishedDraw(response, options = {}) {
  let envelope;
  try {
    envelope = readObject(response, 'response', ['proof', 'journal']);
  } catch (error) {
    if (!(error instanceof VerificationFailure)) throw error;
    envelope = { proof: undefined, journal: undefined };
  }
  const report = await verifyDrawProof(envelope.proof);
  const runner = new CheckRunner(JOURNAL_CHECKS);
  runner.failed = report.checks[0].status !== 'pass';

  /** @type {import('./journal.js').Checkpoint | undefined} */
  let checkpoint;
  /** @type {string} */
  let note = '';
  const journal = await runner.run('journal-seal', async () => {
    const j = readObject(envelope.journal, 'journal', ['checkpoint', 'seal', 'draw']);
    note = readString(j.checkpoint, 'journal.checkpoint', 65536);
    const opened = await openSignedNote(note, null);
    checkpoint = parseCheckpoint(opened.text);
    const seal = readObject(j.seal, 'journal.seal', ['entry', 'inclusion']);
    const entry = readJournalEntry(seal.entry, 'journal.seal.entry');
    if (entry.type !== 'DRAW_SEALED')
      throw new VerificationFailure(`journal.seal.entry is a ${entry.type} entry, not DRAW_SEALED`);
    if (canonicalJson(entry.payload) !== canonicalJson(report.seal))
      throw new VerificationFailure('the journaled DRAW_SEALED payload differs from the proof’s seal');
    await verifyEntryInCheckpoint(
      entry,
      readInclusionProof(seal.inclusion, 'journal.seal.inclusion'),
      checkpoint,
      'journal.seal',
    );
    if (report.seal && report.seal.ledger.treeSize > entry.seq)
      throw new VerificationFailure(
        `the seal claims the journal at size ${report.seal.ledger.treeSize}, but it is entry ${entry.seq}`,
      );
    return {
      value: { j, sealSeq: entry.seq },
      detail: `entry ${entry.seq} of ${checkpoint.size} (checkpoint of ${checkpoint.origin})`,
    };
  });

  await runner.run('journal-draw', async () => {
    if (!journal || !checkpoint) throw new Error('unreachable');
    const draw = readObject(journal.j.draw, 'journal.draw', ['entry', 'inclusion']);
    const entry = readJournalEntry(draw.entry, 'journal.draw.entry');
    const type = report.kind === 'redraw' ? 'DRAW_REDRAWN' : 'DRAW_RESULT';
    if (entry.type !== type)
      throw new VerificationFailure(`journal.draw.entry is a ${entry.type} entry, not ${type}`);
    if (canonicalJson(entry.payload) !== canonicalJson(report.draw))
      throw new VerificationFailure(`the journaled ${type} payload differs from the proof’s draw`);
    await verifyEntryInCheckpoint(
      entry,
      readInclusionProof(draw.inclusion, 'journal.draw.inclusion'),
      checkpoint,
      'journal.draw',
    );
    if (entry.seq <= journal.sealSeq)
      throw new VerificationFailure(
        `the draw (entry ${entry.seq}) is journaled before its seal (entry ${journal.sealSeq})`,
      );
    return { value: true, detail: `entry ${entry.seq} of ${checkpoint.size}, journaled at ${entry.time}` };
  });

  const keyText = options.verifierKey?.trim() ?? '';
  if (keyText === '' && !runner.failed) {
    runner.results.push({
      id: 'checkpoint-signature',
      title: JOURNAL_CHECKS[2][1],
      status: 'not-checked',
      detail:
        'no verifier key given: the ledger’s public key is not served publicly (GET /v1/ledger/public-key is for auditors); paste the key your regulator or the operator publishes to check the signature',
    });
  } else {
    await runner.run('checkpoint-signature', async () => {
      const key = await parseVerifierKey(keyText);
      const opened = await openSignedNote(note, key);
      return { value: true, detail: `signed by ${opened.signers.join(', ')}; verified with ${key.name}` };
    });
  }

  const checks = [...report.checks, ...runner.results];
  return {
    ok: checks.every((c) => c.status !== 'fail' && c.status !== 'skipped'),
    complete: checks.every((c) => c.status === 'pass'),
    checks,
    report,
  };
}
