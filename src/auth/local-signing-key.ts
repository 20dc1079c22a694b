import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { createFileOnce } from '../common/create-once.js';
import type { Role } from './roles.js';

/** Issuer and audience of development tokens signed with the local key. */
export const LOCAL_ISSUER = 'fairdraw-local';
export const LOCAL_AUDIENCE = 'fairdraw';
const ALGORITHM = 'ES256';

/**
 * The development and test signing key, kept in DATA_DIR so the service and
 * `npm run token` agree. Production verifies tokens from an OIDC issuer's JWKS instead.
 */
export class LocalSigningKey {
  private constructor(
    private readonly privateJwk: JWK,
    readonly publicKeyPem: string,
    readonly keyId: string,
  ) {}

  static async loadOrCreate(dataDir: string): Promise<LocalSigningKey> {
    const dir = join(dataDir, 'auth');
    const file = join(dir, 'local-signing-key.json');
    if (!existsSync(file)) {
      const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
      const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: ALGORITHM };
      // Another process may create it first: then theirs is used.
      createFileOnce(file, JSON.stringify(jwk, null, 2));
    }
    const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    const { d: _private, ...publicJwk } = jwk;
    const publicKey = await importJWK({ ...publicJwk, alg: ALGORITHM }, ALGORITHM, { extractable: true });
    if (publicKey instanceof Uint8Array) throw new Error('local signing key is not an asymmetric key');
    return new LocalSigningKey(jwk, await exportSPKI(publicKey), jwk.kid ?? 'local');
  }

  async issue(claims: { sub: string; roles: Role[]; ttlSeconds?: number }): Promise<string> {
    const key = await importJWK(this.privateJwk, ALGORITHM);
    return new SignJWT({ roles: claims.roles })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.keyId, typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${claims.ttlSeconds ?? 3600}s`)
      .sign(key);
  }
}
