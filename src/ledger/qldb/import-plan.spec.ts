import { createHash } from 'node:crypto';
import { type ExportBlockInfo, planImport, type PriorImport } from './import-plan.js';

const h = (label: string) => createHash('sha256').update(label).digest();

/** A chain of blocks first..last whose hashes derive from their number (and a fork label). */
function chain(first: number, last: number, fork = ''): ExportBlockInfo[] {
  const blocks: ExportBlockInfo[] = [];
  for (let seq = first; seq <= last; seq++) {
    blocks.push({
      sequenceNo: seq,
      blockHash: h(`${fork}${seq}`),
      previousBlockHash: h(`${fork}${seq - 1}`),
      revisionCount: 2,
    });
  }
  return blocks;
}

function prior(id: number, first: number, last: number, fork = ''): PriorImport {
  return {
    id,
    firstSeq: first,
    lastSeq: last,
    firstPreviousBlockHash: h(`${fork}${first - 1}`),
    finalBlockHash: h(`${fork}${last}`),
  };
}

describe('planImport', () => {
  it('imports everything when the ledger was never imported', () => {
    expect(planImport(chain(5, 9), [])).toEqual({
      kind: 'import',
      from: 5,
      to: 9,
      blockCount: 5,
      revisionCount: 10,
      links: [],
    });
  });

  it('continues an earlier import: only the new blocks, linked by the shared block hash', () => {
    const plan = planImport(chain(0, 20), [prior(1, 0, 9)]);
    expect(plan).toMatchObject({ kind: 'import', from: 10, to: 20, blockCount: 11 });
    expect(plan.kind === 'import' && plan.links).toEqual([
      { importId: 1, relation: 'continues', sequenceNo: 9, blockHash: h('9').toString('base64') },
    ]);
  });

  it('fills in history before an earlier import, linked by that import’s first previousBlockHash', () => {
    const plan = planImport(chain(0, 9), [prior(1, 10, 20)]);
    expect(plan).toMatchObject({
      kind: 'import',
      from: 0,
      to: 9,
      links: [{ importId: 1, relation: 'precedes', sequenceNo: 10 }],
    });
  });

  it('has nothing new when earlier imports cover every block', () => {
    expect(planImport(chain(3, 7), [prior(1, 0, 9)])).toEqual({ kind: 'nothing-new', links: [] });
    expect(planImport(chain(0, 9), [prior(1, 0, 9)])).toMatchObject({
      kind: 'nothing-new',
      links: [{ relation: 'overlaps', sequenceNo: 9 }],
    });
  });

  it('refuses a different history of the same ledger', () => {
    expect(planImport(chain(0, 20, 'fork'), [prior(1, 0, 9)])).toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(
        /^this export disagrees with import #1 \(blocks 0 to 9\): block 9 has hash/,
      ),
    });
    // An export that starts right after an earlier import must name its last block.
    expect(planImport(chain(10, 20, 'fork'), [prior(1, 0, 9)])).toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/block 10 does not follow block 9 of import #1/),
    });
    expect(planImport(chain(0, 9, 'fork'), [prior(1, 10, 20)])).toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/block 9 is not the block that import #1 starts after/),
    });
  });

  it('refuses an export whose new blocks would be two ranges around an earlier import', () => {
    expect(planImport(chain(0, 30), [prior(1, 10, 20)])).toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/not one range \(9 is followed by 21\)/),
    });
  });
});
