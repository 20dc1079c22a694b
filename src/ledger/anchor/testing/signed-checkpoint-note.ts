import { createHash, generateKeyPairSync, sign } from 'node:crypto';

import type { AnchoredCheckpoint } from '../checkpoint-anchor.js';

const ORIGIN = 'fairdraw.test/ledger';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');

/**
 * A real C2SP tlog-checkpoint in an Ed25519 signed-note, so the anchors are tested with the bytes they
 * will store in production (including the em dash of the signature line, which is not ASCII).
 */
export function signedCheckpoint(treeSize: number, rootSeed = `root-${treeSize}`): AnchoredCheckpoint {
  const root = createHash('sha256').update(rootSeed).digest();
  const body = `${ORIGIN}\n${treeSize}\n${root.toString('base64')}\n`;
  const rawPublicKey = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const keyId = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${ORIGIN}\n`), Buffer.from([0x01]), rawPublicKey]))
    .digest()
    .subarray(0, 4);
  const signature = sign(null, Buffer.from(body), privateKey);
  const note = `${body}\n\u2014 ${ORIGIN} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
  return { treeSize, rootHash: root.toString('hex'), note };
}
