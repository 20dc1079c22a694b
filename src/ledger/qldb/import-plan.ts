// Which blocks of a verified export are new to Fairdraw's journal, and whether the export agrees with
// the QLDB history imported before (pure). Earlier imports are remembered by their first and last
// block: the hash of the last one, and the previousBlockHash of the first one. An export that holds
// one of those blocks, or a neighbour of them, must carry the same hashes; otherwise it is a different
// history of the same ledger (a fork), and nothing is imported.

import type { JsonObject } from '../core/json-value.js';

export interface PriorImport {
  id: number;
  firstSeq: number;
  lastSeq: number;
  firstPreviousBlockHash: Buffer | null;
  finalBlockHash: Buffer;
}

export interface ExportBlockInfo {
  sequenceNo: number;
  blockHash: Buffer;
  previousBlockHash: Buffer;
  revisionCount: number;
}

export interface ImportLink {
  importId: number;
  /** `continues`: this import's first block follows that import's last; `precedes`: the reverse; `overlaps`: shared blocks agree. */
  relation: 'continues' | 'precedes' | 'overlaps';
  sequenceNo: number;
  blockHash: string;
}

export type ImportPlan =
  | {
      kind: 'import';
      from: number;
      to: number;
      blockCount: number;
      revisionCount: number;
      links: ImportLink[];
    }
  | { kind: 'nothing-new'; links: ImportLink[] }
  | { kind: 'conflict'; message: string };

export function linkJson(link: ImportLink): JsonObject {
  return { ...link };
}

export function planImport(blocks: readonly ExportBlockInfo[], priors: readonly PriorImport[]): ImportPlan {
  const bySeq = new Map(blocks.map((block) => [block.sequenceNo, block]));
  const links: ImportLink[] = [];
  const b64 = (hash: Buffer) => hash.toString('base64');
  for (const prior of priors) {
    const last = bySeq.get(prior.lastSeq);
    if (last && !last.blockHash.equals(prior.finalBlockHash)) {
      return conflict(
        prior,
        `block ${prior.lastSeq} has hash ${b64(last.blockHash)} here, ${b64(prior.finalBlockHash)} in import #${prior.id}`,
      );
    }
    const next = bySeq.get(prior.lastSeq + 1);
    if (next && !next.previousBlockHash.equals(prior.finalBlockHash)) {
      return conflict(
        prior,
        `block ${prior.lastSeq + 1} does not follow block ${prior.lastSeq} of import #${prior.id}`,
      );
    }
    if (prior.firstPreviousBlockHash) {
      const before = bySeq.get(prior.firstSeq - 1);
      if (before && !before.blockHash.equals(prior.firstPreviousBlockHash)) {
        return conflict(
          prior,
          `block ${prior.firstSeq - 1} is not the block that import #${prior.id} starts after`,
        );
      }
      const first = bySeq.get(prior.firstSeq);
      if (first && !first.previousBlockHash.equals(prior.firstPreviousBlockHash)) {
        return conflict(prior, `block ${prior.firstSeq} differs from the first block of import #${prior.id}`);
      }
      if (before)
        links.push({
          importId: prior.id,
          relation: 'precedes',
          sequenceNo: prior.firstSeq,
          blockHash: b64(prior.firstPreviousBlockHash),
        });
    }
    if (next)
      links.push({
        importId: prior.id,
        relation: 'continues',
        sequenceNo: prior.lastSeq,
        blockHash: b64(prior.finalBlockHash),
      });
    else if (last)
      links.push({
        importId: prior.id,
        relation: 'overlaps',
        sequenceNo: prior.lastSeq,
        blockHash: b64(prior.finalBlockHash),
      });
  }
  const fresh = blocks.filter(
    (block) => !priors.some((p) => block.sequenceNo >= p.firstSeq && block.sequenceNo <= p.lastSeq),
  );
  if (fresh.length === 0) return { kind: 'nothing-new', links };
  for (let i = 1; i < fresh.length; i++) {
    if (fresh[i].sequenceNo !== fresh[i - 1].sequenceNo + 1) {
      return {
        kind: 'conflict',
        message:
          `the export's new blocks are not one range (${fresh[i - 1].sequenceNo} is followed by ${fresh[i].sequenceNo}): ` +
          'an earlier import lies inside it; import the parts before and after it separately',
      };
    }
  }
  return {
    kind: 'import',
    from: fresh[0].sequenceNo,
    to: fresh[fresh.length - 1].sequenceNo,
    blockCount: fresh.length,
    revisionCount: fresh.reduce((sum, block) => sum + block.revisionCount, 0),
    links,
  };
}

function conflict(prior: PriorImport, detail: string): ImportPlan {
  return {
    kind: 'conflict',
    message: `this export disagrees with import #${prior.id} (blocks ${prior.firstSeq} to ${prior.lastSeq}): ${detail}`,
  };
}
