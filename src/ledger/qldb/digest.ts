// A QLDB ledger digest (GetDigest: Digest + DigestTipAddress), optionally with the proof QLDB's
// GetBlock returned for one block (Block + Proof), checked against the blocks of an export.
//
// The documented rule (https://docs.aws.amazon.com/qldb/latest/developerguide/verification.results.html,
// "Using a proof to recalculate your digest"; aws-samples/amazon-qldb-dmv-sample-nodejs
// src/qldb/Verifier.ts buildCandidateDigest): start from the block hash, combine it with each proof
// hash in order using QLDB's dot; the result must equal the digest. AWS never published how QLDB
// lays out the Merkle tree above the blocks, so without a proof a digest can only be recomputed in the
// one case the rule itself covers: an empty proof, i.e. the digest equals the tip block's hash.

import { dom, IonTypes } from 'ion-js';
import { type BlockAddress, formatAddress, readBlockAddress, readJournalBlock } from './journal-block.js';
import { foldProof } from './qldb-hash.js';

export interface QldbDigestInput {
  digest: Buffer;
  tipAddress: BlockAddress;
  /** The proof hashes from GetBlock (or GetRevision), in order. */
  proof?: Buffer[];
  /** The block the proof starts from; the tip when not given. */
  provedAddress?: BlockAddress;
  /** The block hash GetBlock returned for `provedAddress`, to compare with the export's. */
  provedBlockHash?: Buffer;
}

export type DigestStatus =
  /** Recomputed from the export's block hash (and the proof) and equal. */
  | 'VERIFIED'
  /** The tip block is in the export, but no proof was given and the digest is not the tip's hash. */
  | 'UNPROVEN'
  /** The proved block is not in the export. */
  | 'NOT_COVERED'
  /** The proof or the block hash does not lead to the digest. */
  | 'MISMATCH';

export interface DigestReport {
  status: DigestStatus;
  digest: string;
  tipAddress: BlockAddress;
  provedAddress: BlockAddress;
  proofLength: number | null;
  message: string;
}

export class DigestFormatError extends Error {
  override readonly name = 'DigestFormatError';
}

/**
 * Reads digest material from one or more files: the JSON of `aws qldb get-digest` ({"Digest",
 * "DigestTipAddress": {"IonText"}}), a digest saved from the QLDB console (Ion), and optionally the
 * JSON of `aws qldb get-block --digest-tip-address ...` ({"Block": {"IonText"}, "Proof": {"IonText"}}).
 * JSON is read as Ion text, so both spellings parse; field names are matched case-insensitively.
 */
export function parseQldbDigest(...texts: string[]): QldbDigestInput {
  const fields = new Map<string, dom.Value>();
  for (const text of texts) {
    let values: dom.Value[];
    try {
      values = dom.loadAll(text);
    } catch (error) {
      throw new DigestFormatError(`digest file is neither JSON nor Ion: ${(error as Error).message}`);
    }
    const value = values[0];
    if (values.length !== 1 || value.getType() !== IonTypes.STRUCT) {
      throw new DigestFormatError('a digest file must hold one struct');
    }
    for (const [name, values] of value.allFields()) fields.set(name.toLowerCase(), values[values.length - 1]);
  }
  const get = (name: string) => fields.get(name.toLowerCase());

  const digestValue = get('digest');
  if (!digestValue) throw new DigestFormatError('digest file has no Digest');
  const digest = hashOf(digestValue, 'Digest');
  const tipValue = get('digestTipAddress');
  if (!tipValue) throw new DigestFormatError('digest file has no DigestTipAddress');
  const tipAddress = addressOf(tipValue, 'DigestTipAddress');

  const input: QldbDigestInput = { digest, tipAddress };
  const proofValue = get('proof');
  if (proofValue) {
    const list = ionTextOf(proofValue);
    if (list.getType() !== IonTypes.LIST) throw new DigestFormatError('Proof must be a list of hashes');
    input.proof = list.elements().map((hash, i) => hashOf(hash, `Proof[${i}]`));
  }
  const blockValue = get('block');
  if (blockValue) {
    try {
      const block = readJournalBlock(ionTextOf(blockValue));
      input.provedAddress = block.address;
      input.provedBlockHash = block.blockHash;
    } catch (error) {
      throw new DigestFormatError(`Block is not a QLDB block: ${(error as Error).message}`);
    }
  }
  const provedValue = get('blockAddress');
  if (provedValue) input.provedAddress = addressOf(provedValue, 'BlockAddress');
  return input;
}

/** A value, or the Ion inside a `{IonText: "..."}` ValueHolder or an Ion text string. */
function ionTextOf(value: dom.Value): dom.Value {
  if (value.getType() === IonTypes.STRUCT) {
    const text = value.get('IonText');
    if (text) return ionTextOf(text);
    return value;
  }
  if (value.getType() === IonTypes.STRING) {
    const parsed = dom.load(value.stringValue()!);
    if (!parsed) throw new DigestFormatError('empty IonText');
    return parsed;
  }
  return value;
}

function addressOf(value: dom.Value, what: string): BlockAddress {
  try {
    return readBlockAddress(ionTextOf(value), what);
  } catch (error) {
    throw new DigestFormatError((error as Error).message);
  }
}

function hashOf(value: dom.Value, what: string): Buffer {
  let bytes: Buffer;
  if (value.getType() === IonTypes.BLOB && !value.isNull()) bytes = Buffer.from(value.uInt8ArrayValue()!);
  else if (value.getType() === IonTypes.STRING && /^[A-Za-z0-9+/]+={0,2}$/.test(value.stringValue()!))
    bytes = Buffer.from(value.stringValue()!, 'base64');
  else throw new DigestFormatError(`${what} must be a blob or base64 text`);
  if (bytes.length !== 32) throw new DigestFormatError(`${what} is ${bytes.length} bytes; a QLDB hash is 32`);
  return bytes;
}

/**
 * Checks the digest against the export. `blockHashAt` returns the export's hash of a block, or
 * undefined when the export does not hold it.
 */
export function checkDigest(
  input: QldbDigestInput,
  blockHashAt: (address: BlockAddress) => Buffer | undefined,
): DigestReport {
  const provedAddress = input.provedAddress ?? input.tipAddress;
  const base = {
    digest: input.digest.toString('base64'),
    tipAddress: input.tipAddress,
    provedAddress,
    proofLength: input.proof?.length ?? null,
  };
  const report = (status: DigestStatus, message: string): DigestReport => ({ status, ...base, message });
  const tip = formatAddress(input.tipAddress);
  const proved = formatAddress(provedAddress);

  if (
    provedAddress.strandId !== input.tipAddress.strandId ||
    provedAddress.sequenceNo > input.tipAddress.sequenceNo
  ) {
    return report('MISMATCH', `block ${proved} is not covered by a digest whose tip is ${tip}`);
  }
  const hash = blockHashAt(provedAddress);
  if (hash === undefined)
    return report(
      'NOT_COVERED',
      `the export does not hold block ${proved}, which the digest proof starts from`,
    );
  if (input.provedBlockHash && !input.provedBlockHash.equals(hash)) {
    return report(
      'MISMATCH',
      `QLDB's GetBlock returned hash ${input.provedBlockHash.toString('base64')} for block ${proved}; the export has ${hash.toString('base64')}`,
    );
  }
  const candidate = foldProof(hash, input.proof ?? []);
  if (candidate.equals(input.digest)) {
    return report(
      'VERIFIED',
      `block ${proved} and ${input.proof?.length ?? 0} proof hashes recompute the digest at tip ${tip}`,
    );
  }
  if (input.proof === undefined) {
    return report(
      'UNPROVEN',
      `block ${proved} is in the export, but the digest is not its hash; QLDB's GetBlock proof for it is needed to link the two`,
    );
  }
  return report(
    'MISMATCH',
    `block ${proved} with the given proof recomputes ${candidate.toString('base64')}, not the digest ${base.digest}`,
  );
}
