// The worked example of docs/ledger-format.md, computed by the code. ledger-format-doc.spec.ts
// checks that the document shows exactly these values.
import { hash } from 'node:crypto';
import { formatCheckpoint, signCheckpoint, timeExtension } from '../checkpoint.js';
import { CompactRange } from '../compact-range.js';
import { consistencyPlan } from '../consistency.js';
import { hashFromHex } from '../encoding.js';
import { chainEntries, entryCanonicalText, type EntryDraft, exportLine, ZERO_HASH } from '../entry.js';
import { inclusionPlan } from '../inclusion.js';
import { MerkleTree } from '../merkle-tree.js';
import { formatSignerKey, parseSignerKey, verifierKeyOf } from '../note-keys.js';
import { consistencyProofToJson, inclusionProofToJson } from '../proof-json.js';
import { rehash } from '../proof-plan.js';

export const EXAMPLE_ORIGIN = 'fairdraw.example/ledger';
/** The example's private key seed: SHA-256 of a public phrase, so it is known to all; never use it. */
export const EXAMPLE_SEED_PHRASE = 'fairdraw ledger-format example key: public, never use';

export const EXAMPLE_DRAFTS: EntryDraft[] = [
  {
    type: 'SERVICE_STARTED',
    subject: null,
    payload: { version: '0.1.0', rng: 'os', certified: false },
    time: '2026-11-23T08:00:00.000Z',
  },
  {
    type: 'TICKETS_SOLD',
    subject: 'raffle-2026-001',
    payload: {
      orderId: 'ord_7Q2',
      channel: 'ONLINE',
      buyer: 'Zoë',
      tickets: { first: 1, count: 5 },
      amountMinor: 2000,
      currency: 'CAD',
    },
    time: '2026-11-23T08:00:01.250Z',
  },
  {
    type: 'TICKETS_SOLD',
    subject: 'raffle-2026-001',
    payload: {
      orderId: 'ord_8K4',
      channel: 'POS',
      tickets: { first: 6, count: 1 },
      amountMinor: 1000,
      currency: 'CAD',
    },
    time: '2026-11-23T08:00:02.500Z',
  },
];

export function docExample() {
  const entries = chainEntries(ZERO_HASH, 0, EXAMPLE_DRAFTS);
  const leaves = entries.map((e) => hashFromHex(e.hash));
  const tree = new MerkleTree(leaves);
  const frontier = CompactRange.fromLeafHashes(leaves);
  const stored = new Map(
    CompactRange.empty()
      .appendAll(leaves)
      .map((n) => [`${n.level}/${n.index}`, n.hash]),
  );
  const fetch = (plan: ReturnType<typeof inclusionPlan>) =>
    plan.ids.map((id) => stored.get(`${id.level}/${id.index}`) as Buffer);
  const iplan = inclusionPlan(1, 3);
  const cplan = consistencyPlan(2, 3);
  const signer = parseSignerKey(
    formatSignerKey(EXAMPLE_ORIGIN, hash('sha256', EXAMPLE_SEED_PHRASE, 'buffer')),
  );
  const checkpoint = {
    origin: EXAMPLE_ORIGIN,
    size: 3,
    rootHash: tree.root(),
    extensions: [timeExtension('2026-11-23T08:05:00.000Z')],
  };
  return {
    entries,
    canonicalTexts: entries.map(entryCanonicalText),
    exportLines: entries.map(exportLine),
    roots: [0, 1, 2, 3].map((n) => tree.root(n).toString('hex')),
    frontier: frontier.toJSON(),
    completedNodes: [...stored.entries()].map(([k, h]) => `${k} ${h.toString('hex')}`),
    inclusionPlan: iplan,
    inclusionProof: inclusionProofToJson({
      leafIndex: 1,
      treeSize: 3,
      leafHash: leaves[1],
      path: rehash(iplan, fetch(iplan)),
    }),
    consistencyPlan: cplan,
    consistencyProof: consistencyProofToJson({ first: 2, second: 3, path: rehash(cplan, fetch(cplan)) }),
    signerKey: formatSignerKey(EXAMPLE_ORIGIN, hash('sha256', EXAMPLE_SEED_PHRASE, 'buffer')),
    verifierKey: verifierKeyOf(signer),
    keyId: signer.keyId.toString(16).padStart(8, '0'),
    publicKeyHex: signer.publicKey.toString('hex'),
    checkpointText: formatCheckpoint(checkpoint),
    signedCheckpoint: signCheckpoint(checkpoint, [signer]),
  };
}
