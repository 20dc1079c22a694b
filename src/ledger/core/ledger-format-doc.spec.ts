// docs/ledger-format.md shows a worked example; every value in it must be what the code computes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docExample, EXAMPLE_SEED_PHRASE } from './testing/doc-example.js';
import { REPO_ROOT } from './testing/paths.js';

describe('docs/ledger-format.md worked example', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs/ledger-format.md'), 'utf8');
  const x = docExample();

  it('shows the entry bytes, their sizes and hashes', () => {
    x.canonicalTexts.forEach((text, i) => {
      expect(doc).toContain(`\n${text}\n`);
      expect(doc).toContain(`Entry ${i}, entry bytes (${Buffer.byteLength(text)} bytes`);
      expect(doc).toContain(
        `\`hash\` = ${i === 0 ? 'SHA-256(0x00 || those bytes) = ' : ''}\`${x.entries[i].hash}\``,
      );
    });
  });

  it('shows the export lines', () => {
    expect(doc).toContain(`\n${x.exportLines.join('\n')}\n\`\`\``);
  });

  it('shows the roots, stored nodes and frontier', () => {
    x.roots.forEach((root, size) => expect(doc).toContain(`| ${size} | \`${root}\` |`));
    expect(doc).toContain(`\n${x.completedNodes.join('\n')}\n\`\`\``);
    expect(doc).toContain(`\`\`\`json\n${JSON.stringify(x.frontier, null, 2)}\n\`\`\``);
  });

  it('shows the proofs and their plans', () => {
    expect(doc).toContain(`\`\`\`json\n${JSON.stringify(x.inclusionProof, null, 2)}\n\`\`\``);
    expect(doc).toContain(`\`\`\`json\n${JSON.stringify(x.consistencyProof, null, 2)}\n\`\`\``);
    expect(x.inclusionPlan.ids).toEqual([
      { level: 0, index: 0 },
      { level: 0, index: 2 },
    ]);
    expect(x.consistencyPlan.ids).toEqual([{ level: 0, index: 2 }]);
    expect(doc).toContain(
      'For the inclusion proof above the plan is the nodes `0/0` and `0/2`; for the\nconsistency proof, node `0/2`.',
    );
  });

  it('shows the example keys and the signed checkpoint', () => {
    expect(doc).toContain(`Seed = SHA-256 of the ASCII text \`${EXAMPLE_SEED_PHRASE}\`.`);
    expect(doc).toContain(`signer key:    ${x.signerKey}\n`);
    expect(doc).toContain(`verifier key:  ${x.verifierKey}\n`);
    expect(doc).toContain(`public key:    ${x.publicKeyHex}\n`);
    expect(doc).toContain(`key ID:        ${x.keyId} = `);
    expect(doc).toContain(`\n${x.signedCheckpoint}\`\`\``);
    expect(x.signedCheckpoint.startsWith(x.checkpointText)).toBe(true);
  });
});
