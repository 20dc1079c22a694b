// A small, synthetic QLDB journal export that follows QLDB's documented layout and hashing rules,
// written to disk in Ion text or Ion binary, for tests. The hashes here are computed by code written
// independently of qldb-hash.ts (ion-hash-js's own `digest`, a byte-reversing comparison for QLDB's
// signed little-endian order, a recursive Merkle fold), so a test that verifies this export checks
// two implementations against each other; qldb-hash.spec.ts ties both to a block hashed by real QLDB.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dom, makeBinaryWriter, makeTextWriter } from 'ion-js';
import { digest as ionHashDigest } from 'ion-hash-js';

export type IonFormat = 'text' | 'binary';

export interface SyntheticExportOptions {
  /** The folder to write into; the export itself is `<dir>/journalExport` (the S3 prefix). */
  dir: string;
  format: IonFormat;
  ledgerName?: string;
  exportId?: string;
  strandId?: string;
  /** Sequence number of the first block (an export covers a time window, so it need not be 0). */
  firstSequenceNo?: number;
  blockCount?: number;
  blocksPerObject?: number;
  /** Manifest keys as full S3 keys (with the prefix), as QLDB writes them; else relative to the prefix. */
  keysWithPrefix?: boolean;
  /** Changes every document's content, for a different history of the same ledger (a fork). */
  variant?: string;
  /** The hash given to the deleted document's revision (default: ionHash(metadata)). */
  deletedRevisionHash?: Buffer;
}

export interface SyntheticBlock {
  sequenceNo: number;
  blockHash: string;
  /** Ion text of the block. */
  ion: string;
  object: string;
}

export interface SyntheticExport {
  /** The local copy of s3://bucket/journalExport/. */
  exportDir: string;
  format: IonFormat;
  ledgerName: string;
  exportId: string;
  strandId: string;
  blocks: SyntheticBlock[];
  /** Data object paths, in manifest order. */
  objects: string[];
  completedManifest: string;
  startedManifest: string;
  /** `aws qldb get-digest` output for the last block, and `aws qldb get-block` output (Block + Proof). */
  digest(proofLength?: number): { getDigest: string; getBlock: string; digest: string };
}

// --- hashing, written apart from qldb-hash.ts --------------------------------------------------------

const sha256 = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** QLDB orders hashes by signed bytes from the last one: reverse, flip the sign bit, compare unsigned. */
function orderKey(hash: Buffer): Buffer {
  return Buffer.from(
    Buffer.from(hash)
      .reverse()
      .map((byte) => byte ^ 0x80),
  );
}

function join2(a: Buffer, b: Buffer): Buffer {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return Buffer.compare(orderKey(a), orderKey(b)) < 0 ? sha256(a, b) : sha256(b, a);
}

function merkle(hashes: Buffer[]): Buffer {
  if (hashes.length === 0) return Buffer.alloc(0);
  if (hashes.length === 1) return hashes[0];
  const paired: Buffer[] = [];
  for (let i = 0; i + 1 < hashes.length; i += 2) paired.push(join2(hashes[i], hashes[i + 1]));
  if (hashes.length % 2 === 1) paired.push(hashes[hashes.length - 1]);
  return merkle(paired);
}

function ionHashOf(ionText: string): Buffer {
  return Buffer.from(ionHashDigest(dom.load(ionText), 'sha256'));
}

const blob = (hash: Buffer) => `{{${hash.toString('base64')}}}`;

// --- content --------------------------------------------------------------------------------------

function documentData(seq: number, variant = ''): string {
  // Nested data with the Ion types JSON cannot carry exactly: a big integer, decimals with trailing
  // zeros, a nanosecond timestamp, a symbol, a blob, a typed null.
  return `{
    raffleId: "raffle-2019-${String(seq).padStart(3, '0')}",
    drawNote: "block-${seq}${variant}",
    ticket: {
      serial: ${12345678901234567890123n + BigInt(seq)},
      priceCad: 10.50,
      taxRate: 0.130,
      soldAt: 2019-12-11T07:20:51.123456789Z,
      holder: { name: "Zoë Ĳssel", tags: [vip, "early-bird"], ageVerified: true },
      odds: 1.5e-7,
      note: null.string
    },
    photo: {{aGVsbG8sIFFMREI=}},
    history: [1, 2.5, -3d2, 2007-02T]
  }`;
}

function metadata(seq: number, doc: number, version: number): string {
  return `{id:"Doc${seq}x${doc}AbCdEfGhIjKlMnOp", version:${version}, txTime:2019-12-11T07:20:${String(10 + (seq % 40)).padStart(2, '0')}.245Z, txId:"Tx${seq}AbCdEfGhIjKlMnOpQr"}`;
}

interface BlockContent {
  revisions: string[];
  revisionHashes: Buffer[];
  transactionInfo?: string;
}

function blockContent(
  seq: number,
  index: number,
  strandId: string,
  options: SyntheticExportOptions,
): BlockContent {
  const address = `{strandId:"${strandId}", sequenceNo:${seq}}`;
  const revisions: string[] = [];
  const hashes: Buffer[] = [];
  const add = (text: string, hash: Buffer) => {
    revisions.push(text);
    hashes.push(hash);
  };
  // A document revision: hash = dot(ionHash(metadata), ionHash(data)).
  const meta = metadata(seq, 0, index);
  const data = documentData(seq, options.variant);
  add(
    `{blockAddress:${address}, hash:${blob(join2(ionHashOf(meta), ionHashOf(data)))}, data:${data}, metadata:${meta}}`,
    join2(ionHashOf(meta), ionHashOf(data)),
  );
  // An internal system revision: only its hash.
  const system = sha256(Buffer.from(`system revision ${seq}`));
  add(`{hash:${blob(system)}}`, system);
  if (index === 2) {
    // A redacted revision: data replaced by dataHash, the Ion hash of the removed data.
    const redactedMeta = metadata(seq, 1, 0);
    const dataHash = ionHashOf(`{secret:"removed by REDACT_REVISION"}`);
    const hash = join2(ionHashOf(redactedMeta), dataHash);
    add(
      `{blockAddress:${address}, hash:${blob(hash)}, dataHash:${blob(dataHash)}, metadata:${redactedMeta}}`,
      hash,
    );
  }
  if (index === 3) {
    // A deleted document: metadata only.
    const deletedMeta = metadata(seq, 2, 1);
    const hash = options.deletedRevisionHash ?? ionHashOf(deletedMeta);
    add(`{blockAddress:${address}, hash:${blob(hash)}, metadata:${deletedMeta}}`, hash);
  }
  if (index === 1) return { revisions, revisionHashes: hashes }; // a block without transactionInfo
  const statement = 'INSERT INTO Ticket ?';
  const transactionInfo = `{
    statements: [{ statement: ${JSON.stringify(statement)}, startTime: 2019-12-11T07:20:50.5Z, statementDigest: ${blob(ionHashOf(JSON.stringify(statement)))} }],
    documents: { Doc${seq}x0AbCdEfGhIjKlMnOp: { tableName: "Ticket", tableId: "TblAbCdEfGhIjKlMnOpQrS", statements: [0] } }
  }`;
  return { revisions, revisionHashes: hashes, transactionInfo };
}

function encode(values: dom.Value[], format: IonFormat): Uint8Array {
  const writer = format === 'binary' ? makeBinaryWriter() : makeTextWriter();
  for (const value of values) value.writeTo(writer);
  writer.close();
  return writer.getBytes();
}

/** Rewrites a data object through its Ion text, keeping its format (for tampering in tests). */
export function rewriteObject(path: string, format: IonFormat, edit: (ionText: string) => string): void {
  const text = new TextDecoder().decode(encode(dom.loadAll(new Uint8Array(readFileSync(path))), 'text'));
  const edited = edit(text);
  if (edited === text) throw new Error(`the edit changed nothing in ${path}`);
  writeFileSync(path, encode(dom.loadAll(edited), format));
}

/** The Ion text of every block in a data object, one per element. */
export function blocksOfObject(path: string): string[] {
  return dom
    .loadAll(new Uint8Array(readFileSync(path)))
    .map((value) => new TextDecoder().decode(encode([value], 'text')));
}

export function writeObject(path: string, format: IonFormat, blocks: string[]): void {
  writeFileSync(
    path,
    encode(
      blocks.map((block) => dom.load(block)!),
      format,
    ),
  );
}

export function writeSyntheticExport(options: SyntheticExportOptions): SyntheticExport {
  const format = options.format;
  const ledgerName = options.ledgerName ?? 'fairdraw-legacy';
  const exportId = options.exportId ?? 'ExpAbCdEfGhIjKlMnOpQrS';
  const strandId = options.strandId ?? 'StrAbCdEfGhIjKlMnOpQrS';
  const first = options.firstSequenceNo ?? 7;
  const count = options.blockCount ?? 6;
  const perObject = options.blocksPerObject ?? 2;
  const exportDir = join(options.dir, 'journalExport');
  mkdirSync(exportDir, { recursive: true });

  const blocks: SyntheticBlock[] = [];
  // An export of a time window starts mid-journal: its first block names a predecessor it does not hold.
  let previous: Buffer = first === 0 ? Buffer.alloc(0) : sha256(Buffer.from(`block ${first - 1}`));
  for (let i = 0; i < count; i++) {
    const seq = first + i;
    const content = blockContent(seq, i, strandId, options);
    const entries = [sha256(Buffer.from(`system entry ${seq}`)), merkle(content.revisionHashes)];
    if (content.transactionInfo)
      entries.push(sha256(Buffer.from(`system entry ${seq}b`)), ionHashOf(content.transactionInfo));
    const entriesHash = merkle(entries);
    const hash = join2(entriesHash, previous);
    const ion = `{
      blockAddress: {strandId:"${strandId}", sequenceNo:${seq}},
      transactionId: "Tx${seq}AbCdEfGhIjKlMnOpQr",
      blockTimestamp: 2019-12-11T07:20:${String(10 + (seq % 40)).padStart(2, '0')}.261Z,
      blockHash: ${blob(hash)},
      entriesHash: ${blob(entriesHash)},
      ${previous.length > 0 ? `previousBlockHash: ${blob(previous)},` : ''}
      entriesHashList: [${entries.map(blob).join(', ')}],
      ${content.transactionInfo ? `transactionInfo: ${content.transactionInfo},` : ''}
      revisions: [${content.revisions.join(', ')}]
    }`;
    blocks.push({ sequenceNo: seq, blockHash: hash.toString('base64'), ion, object: '' });
    previous = hash;
  }

  const objects: string[] = [];
  const keys: string[] = [];
  for (let i = 0; i < blocks.length; i += perObject) {
    const chunk = blocks.slice(i, i + perObject);
    const relativeKey = `2019/12/11/07/${strandId}.${chunk[0].sequenceNo}-${chunk[chunk.length - 1].sequenceNo}.ion`;
    const path = join(exportDir, relativeKey);
    mkdirSync(dirname(path), { recursive: true });
    writeObject(
      path,
      format,
      chunk.map((block) => block.ion),
    );
    for (const block of chunk) block.object = path;
    objects.push(path);
    keys.push(options.keysWithPrefix === false ? relativeKey : `journalExport/${relativeKey}`);
  }

  const startedManifest = join(exportDir, `${exportId}.started.manifest`);
  const outputFormat = format === 'binary' ? 'ION_BINARY' : 'ION_TEXT';
  writeFileSync(
    startedManifest,
    encode(
      [
        dom.load(
          `{ledgerName:"${ledgerName}", exportId:"${exportId}", inclusiveStartTime:2019-12-11T00:00:00.000Z, exclusiveEndTime:2019-12-12T00:00:00.000Z, bucket:"amzn-s3-demo-bucket", prefix:"journalExport", objectEncryptionType:"SSE_S3", outputFormat:"${outputFormat}"}`,
        )!,
      ],
      format,
    ),
  );
  const completedManifest = join(exportDir, `${exportId}.${strandId}.completed.manifest`);
  writeFileSync(
    completedManifest,
    encode([dom.load(`{keys:[${keys.map((key) => JSON.stringify(key)).join(', ')}]}`)!], format),
  );

  return {
    exportDir,
    format,
    ledgerName,
    exportId,
    strandId,
    blocks,
    objects,
    startedManifest,
    completedManifest,
    digest(proofLength = 3) {
      const tip = blocks[blocks.length - 1];
      const proof = Array.from({ length: proofLength }, (_, i) =>
        sha256(Buffer.from(`journal tree node ${i}`)),
      );
      const value = proof.reduce<Buffer>(
        (hash, next) => join2(hash, next),
        Buffer.from(tip.blockHash, 'base64'),
      );
      const tipAddress = `{strandId:"${strandId}",sequenceNo:${tip.sequenceNo}}`;
      return {
        digest: value.toString('base64'),
        getDigest: JSON.stringify({
          Digest: value.toString('base64'),
          DigestTipAddress: { IonText: tipAddress },
        }),
        getBlock: JSON.stringify({
          Block: { IonText: tip.ion },
          Proof: { IonText: `[${proof.map(blob).join(',')}]` },
        }),
      };
    },
  };
}
