import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileOnce } from '../common/create-once.js';
import { signCheckpoint, timeExtension } from './core/checkpoint.js';
import { generateNoteKeys, parseSignerKey, verifierKeyOf, type NoteSigner } from './core/note-keys.js';

/** Ed25519 SubjectPublicKeyInfo prefix: a raw 32-byte key becomes a PEM any tool can read. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Signs checkpoints with the ledger's Ed25519 key. The key comes from configuration (a secret in
 * production); in development it is generated once into DATA_DIR.
 */
export class CheckpointSigner {
  private constructor(
    private readonly signer: NoteSigner,
    readonly origin: string,
  ) {}

  static load(options: { origin: string; signerKey?: string; dataDir: string }): CheckpointSigner {
    const signerKey = options.signerKey ?? developmentKey(options.dataDir, options.origin);
    const signer = parseSignerKey(signerKey);
    if (signer.name !== options.origin) {
      throw new Error(
        `the ledger signing key is named ${signer.name}, but LEDGER_ORIGIN is ${options.origin}`,
      );
    }
    return new CheckpointSigner(signer, options.origin);
  }

  get keyName(): string {
    return this.signer.name;
  }

  get verifierKey(): string {
    return verifierKeyOf(this.signer);
  }

  get publicKeyPem(): string {
    const der = Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(this.signer.publicKey)]);
    return createPublicKey({ key: der, format: 'der', type: 'spki' })
      .export({ format: 'pem', type: 'spki' })
      .toString();
  }

  sign(size: number, rootHash: Buffer, time: Date): string {
    return signCheckpoint(
      { origin: this.origin, size, rootHash, extensions: [timeExtension(time.toISOString())] },
      [this.signer],
    );
  }
}

function developmentKey(dataDir: string, origin: string): string {
  const file = join(dataDir, 'ledger', 'signing-key.txt');
  // Replicas starting together on one DATA_DIR agree on one key: the first to link its file wins.
  if (!existsSync(file)) createFileOnce(file, generateNoteKeys(origin).signerKey + '\n');
  return readFileSync(file, 'utf8').trim();
}
