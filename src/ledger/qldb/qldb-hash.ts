// QLDB's hash rules, exactly as AWS's own verification samples implement them. Each rule names the
// source it was taken from; `qldb-hash.spec.ts` checks them against a block that real QLDB hashed.
//
// Sources:
//  [J-Verifier]  aws-samples/amazon-qldb-dmv-sample-java, src/main/java/software/amazon/qldb/tutorial/Verifier.java
//  [J-Revision]  same repository, qldb/QldbRevision.java (verifyRevisionHash)
//  [J-Block]     same repository, qldb/JournalBlock.java (verifyBlockHash)
//  [J-IonUtils]  same repository, qldb/QldbIonUtils.java (hashIonValue)
//  [N-Verifier]  aws-samples/amazon-qldb-dmv-sample-nodejs, src/qldb/Verifier.ts (joinHashesPairwise, buildCandidateDigest)
//  [D-Results]   https://docs.aws.amazon.com/qldb/latest/developerguide/verification.results.html
//                ("Using a proof to recalculate your digest")

import { createHash } from 'node:crypto';
import type { dom, Writer } from 'ion-js';
import { cryptoHasherProvider, makeHashWriter } from 'ion-hash-js';

export const QLDB_HASH_SIZE = 32;

export class QldbHashError extends Error {
  override readonly name = 'QldbHashError';
}

function requireHash(hash: Uint8Array, what: string): void {
  if (hash.length !== QLDB_HASH_SIZE) {
    throw new QldbHashError(`${what} is ${hash.length} bytes; a QLDB hash is ${QLDB_HASH_SIZE}`);
  }
}

/**
 * QLDB's hash order: the bytes compared as *signed* values, from the last byte to the first
 * ([J-Verifier] hashComparator: `Byte.compare(h1[i], h2[i])` for i from 31 down to 0; [D-Results]
 * step 1: "compare the signed byte values of the hashes in little-endian order").
 */
export function compareQldbHashes(a: Uint8Array, b: Uint8Array): number {
  requireHash(a, 'hash');
  requireHash(b, 'hash');
  for (let i = QLDB_HASH_SIZE - 1; i >= 0; i--) {
    const difference = ((a[i] << 24) >> 24) - ((b[i] << 24) >> 24);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * QLDB's "dot" operator: SHA-256 of the two hashes concatenated smaller first; an empty operand
 * yields the other one unchanged ([J-Verifier] dot, [N-Verifier] joinHashesPairwise).
 */
export function dot(a: Uint8Array, b: Uint8Array): Buffer {
  if (a.length === 0) return Buffer.from(b);
  if (b.length === 0) return Buffer.from(a);
  const [first, second] = compareQldbHashes(a, b) < 0 ? [a, b] : [b, a];
  return createHash('sha256').update(first).update(second).digest();
}

/**
 * Root of QLDB's in-block Merkle trees (the revisions, the entries hash list): adjacent pairs are
 * combined with `dot` from left to right, an odd last hash is carried up unchanged, until one
 * remains; no hashes give an empty hash ([J-Verifier] calculateMerkleTreeRootHash, combineLeafHashes).
 */
export function merkleRoot(hashes: readonly Uint8Array[]): Buffer {
  if (hashes.length === 0) return Buffer.alloc(0);
  let level: Uint8Array[] = [...hashes];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? dot(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return Buffer.from(level[0]);
}

/**
 * ion-hash-js hashes what passes through to an underlying writer; nothing needs the bytes here, and
 * a real binary writer allocates 4 KiB buffers per value: measured, it doubled the cost of hashing.
 */
class DiscardingWriter implements Writer {
  private level = 0;
  writeNull(): void {}
  writeBoolean(): void {}
  writeInt(): void {}
  writeFloat32(): void {}
  writeFloat64(): void {}
  writeDecimal(): void {}
  writeTimestamp(): void {}
  writeString(): void {}
  writeSymbol(): void {}
  writeBlob(): void {}
  writeClob(): void {}
  writeValue(): void {}
  writeValues(): void {}
  writeFieldName(): void {}
  stepIn(): void {
    this.level++;
  }
  stepOut(): void {
    this.level--;
  }
  addAnnotation(): void {}
  setAnnotations(): void {}
  close(): void {}
  getBytes(): Uint8Array {
    return new Uint8Array(0);
  }
  depth(): number {
    return this.level;
  }
}

/**
 * The Amazon Ion Hash (SHA-256) of one Ion value, as QLDB computes revision, metadata and
 * transactionInfo hashes ([J-IonUtils]: IonHashReader with a SHA-256 MessageDigest provider). The
 * value is hashed through ion-hash-js from the Ion data model, never from a JSON rendering, so
 * decimals, timestamps, symbols, annotations and big integers keep their exact Ion identity.
 */
export function ionHash(value: dom.Value): Buffer {
  const hashWriter = makeHashWriter(new DiscardingWriter(), cryptoHasherProvider('sha256'));
  value.writeTo(hashWriter);
  hashWriter.close();
  return Buffer.from(hashWriter.digest());
}

/**
 * A revision's hash: `dot(ionHash(metadata), ionHash(data))` ([J-Revision] verifyRevisionHash:
 * `Verifier.dot(metadataHash, dataHash)`). A redacted revision carries `dataHash`, the Ion hash of
 * the removed data (docs: ql-stored-procedures.redact_revision.html), in place of `ionHash(data)`.
 */
export function revisionHash(metadataHash: Uint8Array, dataHash: Uint8Array): Buffer {
  return dot(metadataHash, dataHash);
}

/**
 * A block's hash: `dot(entriesHash, previousBlockHash)` ([J-Block] verifyBlockHash step 5; the
 * chain check of ValidateQldbHashChain in the Java, Node.js and Python samples).
 */
export function blockHash(entriesHash: Uint8Array, previousBlockHash: Uint8Array): Buffer {
  return dot(entriesHash, previousBlockHash);
}

/**
 * Recomputes a digest from a proof: start from the proved hash and combine it with each proof hash
 * in order ([N-Verifier] buildCandidateDigest / calculateRootHashFromInternalHash; [D-Results]).
 */
export function foldProof(leaf: Uint8Array, proof: readonly Uint8Array[]): Buffer {
  return Buffer.from(proof.reduce<Uint8Array>((hash, next) => dot(hash, next), leaf));
}
