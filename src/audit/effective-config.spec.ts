import { loadEnvironment } from '../config/environment.js';
import { configChanges, configDigest, effectiveConfiguration, isSecretVariable } from './effective-config.js';

describe('effectiveConfiguration', () => {
  const config = loadEnvironment({
    DATABASE_URL: 'postgres://fairdraw:s3cret-pw@db.internal:5432/fairdraw',
    DATABASE_PASSWORD: 's3cret-pw',
    PKCS11_PIN: 'crypto-user:hunter2',
    STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
    RATE_LIMIT_PER_MINUTE: '600',
    CERTIFIED_CODE_DIGEST: 'AB'.repeat(32),
  });
  const effective = effectiveConfiguration(config);

  it('lists every declared variable, sorted, with the values in force', () => {
    expect(Object.keys(effective)).toEqual([...Object.keys(effective)].sort());
    expect(effective).toMatchObject({
      RATE_LIMIT_PER_MINUTE: 600,
      TRUST_PROXY: false,
      PORT: 3000,
      AUTH_JWKS_URL: null,
      CERTIFIED_CODE_DIGEST: 'ab'.repeat(32),
      INTEGRITY_SOFTWARE_INTERVAL_SECONDS: 3600,
      INTEGRITY_JOURNAL_INTERVAL_SECONDS: 900,
    });
    expect(Object.keys(effective)).toEqual(expect.arrayContaining(['NODE_ENV', 'DATA_DIR', 'LEDGER_ORIGIN']));
  });

  it('shows secrets only as set or unset, and hides a password inside a URL', () => {
    expect(effective).toMatchObject({
      DATABASE_PASSWORD: 'set',
      PKCS11_PIN: 'set',
      STRIPE_WEBHOOK_SECRET: 'set',
      STRIPE_SECRET_KEY: 'unset',
      LEDGER_SIGNING_KEY: 'unset',
      DATABASE_URL: 'postgres://fairdraw:***@db.internal:5432/fairdraw',
    });
    const text = JSON.stringify(effective);
    for (const secret of ['s3cret-pw', 'hunter2', 'whsec_abc123']) expect(text).not.toContain(secret);
  });

  it('treats any variable named like a secret as one', () => {
    expect(
      ['LEDGER_SIGNING_KEY', 'STRIPE_SECRET_KEY', 'PKCS11_PIN', 'SOME_API_TOKEN', 'DATABASE_PASSWORD'].every(
        isSecretVariable,
      ),
    ).toBe(true);
    expect(
      ['DATABASE_URL', 'PORT', 'CERTIFIED_CODE_DIGEST', 'AUTH_ISSUER', 'PINNED_VERSION'].some(
        isSecretVariable,
      ),
    ).toBe(false);
  });

  it('names what changed between two starts, and digests equal configurations equally', () => {
    const other = effectiveConfiguration(
      loadEnvironment({ RATE_LIMIT_PER_MINUTE: '1200', PKCS11_PIN: 'another', TRUST_PROXY: 'true' }),
    );
    expect(configChanges(effective, other)).toEqual(
      expect.arrayContaining([
        { name: 'RATE_LIMIT_PER_MINUTE', from: 600, to: 1200 },
        { name: 'TRUST_PROXY', from: false, to: true },
        { name: 'DATABASE_PASSWORD', from: 'set', to: 'unset' },
      ]),
    );
    // A secret changed to another value is not visible, by design: only set/unset is journaled.
    expect(configChanges(effective, other).map((c) => c.name)).not.toContain('PKCS11_PIN');
    expect(configChanges(effective, { ...effective, NEW_VARIABLE: 1 })).toEqual([
      { name: 'NEW_VARIABLE', from: null, to: 1 },
    ]);
    expect(configDigest(effectiveConfiguration(config))).toBe(configDigest(effective));
    expect(configDigest(other)).not.toBe(configDigest(effective));
    expect(configDigest(effective)).toMatch(/^[0-9a-f]{64}$/);
  });
});
