// @ts-check
// The browser verifier of Fairdraw draws: plain ES modules, no dependencies, WebCrypto for SHA-256 and
// Ed25519. An independent second implementation of src/draw/core's verifyDrawProof and of the ledger's
// entry, inclusion and checkpoint checks (docs/draws.md section 12).

export {
  verifyDrawProof,
  DRAW_CHECKS,
  DRAW_PROOF_FORMAT,
  DRAW_ALGORITHM,
  SEAL_ALGORITHM,
} from './draw-proof.js';
export { verifyPublishedDraw, JOURNAL_CHECKS } from './published-draw.js';
export { canonicalJson, entryHash, openSignedNote, parseCheckpoint, parseVerifierKey } from './journal.js';
