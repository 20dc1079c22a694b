// @ts-check
// Verifies what GET /v1/draws/{id}/proof publishes,
//
//   { drawProof: <fairdraw-draw-proof-v1>,
//     journal: { treeSize, rootHash, checkpoint, verifierKey, seal: {entry, inclusion}, draw: {entry, inclusion},
//                rngRequest: {entry, inclusion} | null } }
//
// the draw proof (draw-proof.js), and the journal around it: the DRAW_SEALED and DRAW_RESULT /
// DRAW_REDRAWN entries whose payloads are exactly the proof's seal and draw, the RNG_REQUEST entry that
// served the draw's bytes (rng-request.js), their inclusion in the tree of the signed checkpoint, and the
// checkpoint's signature. The signature is checked with a key
// the reader supplies (one published by the regulator or the operator, independently of this service)
// or else with the key the response carries, which the report says.

import { bytesToHex } from './bytes.js';
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
import { checkRngBinding, readRngRequestPayload } from './rng-request.js';

/** @typedef {import('./draw-proof.js').CheckResult} CheckResult */

const SHOWN_WINNERS = 'The winners this page shows for the draw are the journaled ones';

export const JOURNAL_CHECKS = /** @type {const} */ ([
  [
    'checkpoint',
    'The journal checkpoint is well formed and matches the tree size and root published with it',
  ],
  ['journal-seal', 'The seal is journaled (DRAW_SEALED entry, hash recomputed) in the checkpoint’s tree'],
  ['journal-draw', 'The draw is journaled (entry hash recomputed) in the checkpoint’s tree, after the seal'],
  [
    'journal-rng',
    'The random bytes are the ones the RNG served for this draw: its RNG_REQUEST entry (hash recomputed, in the checkpoint’s tree, before the draw) names this draw’s request, counts, provider and the SHA-256 of the bytes',
  ],
  ['checkpoint-signature', 'The checkpoint is signed by the ledger’s key'],
  ['seal-checkpoint', 'The journal state the seal was made from is signed by the same key'],
]);

/** The checks that need the ledger's key. */
const SIGNATURE_CHECKS = ['checkpoint-signature', 'seal-checkpoint'];

/**
 * @param {unknown} response the parsed JSON of GET /v1/draws/{id}/proof
 * @param {{ verifierKey?: string | null, shownTickets?: readonly number[] }} [options] `verifierKey`: the
 *   ledger's signed-note verifier key, from a source the reader trusts (without it, the key served with
 *   the proof is used, and the report says so); `shownTickets`: the winners of this draw as a page
 *   displays them, to be checked against the journaled record
 * @returns {Promise<{ ok: boolean, complete: boolean, checks: CheckResult[], report: import('./draw-proof.js').DrawProofReport }>}
 */
export async function verifyPublishedDraw(response, options = {}) {
  let envelope;
  /** @type {string | undefined} */
  let envelopeProblem;
  try {
    envelope = readObject(response, 'response', ['drawProof', 'journal']);
  } catch (error) {
    if (!(error instanceof VerificationFailure)) throw error;
    envelope = { drawProof: undefined, journal: undefined };
    envelopeProblem = error.message;
  }
  const report = await verifyDrawProof(envelope.drawProof);
  // A response of another shape fails the first check with what is wrong with the response itself.
  if (envelopeProblem !== undefined) report.checks[0].detail = envelopeProblem;
  const runner = new CheckRunner(JOURNAL_CHECKS);
  runner.failed = report.checks[0].status !== 'pass';

  const read = await runner.run('checkpoint', async () => {
    const j = readObject(envelope.journal, 'journal', [
      'treeSize',
      'rootHash',
      'checkpoint',
      'verifierKey',
      'seal',
      'draw',
      'rngRequest',
    ]);
    const note = readString(j.checkpoint, 'journal.checkpoint', 65536);
    const checkpoint = parseCheckpoint((await openSignedNote(note, null)).text);
    if (j.treeSize !== checkpoint.size || j.rootHash !== bytesToHex(checkpoint.rootHash))
      throw new VerificationFailure(
        'journal.treeSize and journal.rootHash differ from the signed checkpoint’s',
      );
    return {
      value: { j, note, checkpoint },
      detail: `${checkpoint.origin}, tree size ${checkpoint.size}, root ${bytesToHex(checkpoint.rootHash)}`,
    };
  });
  const checkpoint = read?.checkpoint;

  const journal = await runner.run('journal-seal', async () => {
    if (!read || !checkpoint) throw new Error('unreachable');
    const { j } = read;
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

  const drawSeq = await runner.run('journal-draw', async () => {
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
    return {
      value: entry.seq,
      detail: `entry ${entry.seq} of ${checkpoint.size}, journaled at ${entry.time}`,
    };
  });

  await runner.run('journal-rng', async () => {
    if (!journal || !checkpoint || drawSeq === undefined || !report.draw) throw new Error('unreachable');
    const draw = report.draw;
    if (draw.rngRequestId === null) {
      if (journal.j.rngRequest !== null)
        throw new VerificationFailure('journal.rngRequest must be null: the draw names no RNG request');
      return { value: true, detail: 'the draw drew no winner (k = 0) and asked the RNG for nothing' };
    }
    if (journal.j.rngRequest === null)
      throw new VerificationFailure(
        `the draw names RNG request ${draw.rngRequestId}, but journal.rngRequest carries no entry to prove it`,
      );
    const proven = readObject(journal.j.rngRequest, 'journal.rngRequest', ['entry', 'inclusion']);
    const entry = readJournalEntry(proven.entry, 'journal.rngRequest.entry');
    if (entry.type !== 'RNG_REQUEST')
      throw new VerificationFailure(`journal.rngRequest.entry is a ${entry.type} entry, not RNG_REQUEST`);
    if (entry.subject !== `raffle/${draw.raffleId}`)
      throw new VerificationFailure(
        `journal.rngRequest.entry is about ${String(entry.subject)}, not the draw’s raffle/${draw.raffleId}`,
      );
    const request = readRngRequestPayload(entry.payload, 'journal.rngRequest.entry.payload');
    await verifyEntryInCheckpoint(
      entry,
      readInclusionProof(proven.inclusion, 'journal.rngRequest.inclusion'),
      checkpoint,
      'journal.rngRequest',
    );
    if (entry.seq >= drawSeq)
      throw new VerificationFailure(
        `the RNG request (entry ${entry.seq}) is journaled after the draw it served (entry ${drawSeq})`,
      );
    return { value: true, detail: `entry ${entry.seq}, ${await checkRngBinding(draw, request, entry.seq)}` };
  });

  const supplied = options.verifierKey?.trim() ?? '';
  const served = read && typeof read.j.verifierKey === 'string' ? read.j.verifierKey : '';
  if (supplied === '' && served === '' && !runner.failed) {
    for (const [id, title] of JOURNAL_CHECKS.filter(([id]) => SIGNATURE_CHECKS.includes(id))) {
      runner.results.push({
        id,
        title,
        status: 'not-checked',
        detail:
          'no verifier key: supply the ledger key your regulator or the operator publishes to check signatures',
      });
    }
  } else {
    await runner.run('checkpoint-signature', async () => {
      if (!read) throw new Error('unreachable');
      const key = await parseVerifierKey(supplied || served);
      await openSignedNote(read.note, key);
      const id = `${key.name}+${key.keyId.toString(16).padStart(8, '0')}`;
      return {
        value: true,
        detail:
          supplied !== ''
            ? `signed by ${id}, the key you supplied`
            : `signed by ${id}, the key served with this proof: compare it with the key your regulator or the operator publishes`,
      };
    });

    if (report.seal?.ledger.checkpoint === null && !runner.failed) {
      runner.results.push({
        id: 'seal-checkpoint',
        title: JOURNAL_CHECKS.find(([id]) => id === 'seal-checkpoint')?.[1] ?? 'seal-checkpoint',
        status: 'not-checked',
        detail: 'the seal journaled no checkpoint: the journal state it names is bound by its entry alone',
      });
    } else {
      await runner.run('seal-checkpoint', async () => {
        const ledger = report.seal?.ledger;
        if (!read || !checkpoint || !report.seal || !ledger?.checkpoint) throw new Error('unreachable');
        const key = await parseVerifierKey(supplied || served);
        const sealCheckpoint = parseCheckpoint((await openSignedNote(ledger.checkpoint, key)).text);
        if (sealCheckpoint.origin !== checkpoint.origin)
          throw new VerificationFailure(
            `the seal’s checkpoint is of ${sealCheckpoint.origin}, not ${checkpoint.origin}`,
          );
        if (
          sealCheckpoint.size !== ledger.treeSize ||
          bytesToHex(sealCheckpoint.rootHash) !== ledger.rootHash
        )
          throw new VerificationFailure(
            'the seal’s checkpoint does not sign the tree size and root the seal names',
          );
        return {
          value: true,
          detail: `tree size ${ledger.treeSize}, root ${ledger.rootHash} (sales before entry ${report.seal.cutoff.treeSize} are in the set)`,
        };
      });
    }
  }

  if (options.shownTickets !== undefined) {
    const shown = options.shownTickets;
    runner.results.push(
      report.draw === undefined
        ? {
            id: 'shown-winners',
            title: SHOWN_WINNERS,
            status: 'skipped',
            detail: 'not run: the proof could not be read',
          }
        : shown.length === report.draw.tickets.length && shown.every((t, i) => t === report.draw?.tickets[i])
          ? {
              id: 'shown-winners',
              title: SHOWN_WINNERS,
              status: 'pass',
              detail: `shown: ${shown.join(', ') || 'none'}`,
            }
          : {
              id: 'shown-winners',
              title: SHOWN_WINNERS,
              status: 'fail',
              detail: `the page shows ${shown.join(', ') || 'no winner'}, the journaled draw has ${report.draw.tickets.join(', ') || 'none'}`,
            },
    );
  }

  const checks = [...report.checks, ...runner.results];
  return {
    ok: checks.every((c) => c.status !== 'fail' && c.status !== 'skipped'),
    complete: checks.every((c) => c.status === 'pass'),
    checks,
    report,
  };
}
