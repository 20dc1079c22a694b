import { ConfigError, isKmsStandIn, loadDatabaseEnvironment, loadEnvironment } from './environment.js';

function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadEnvironment(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadEnvironment', () => {
  it('gives the embedded defaults for an empty environment', () => {
    const env = loadEnvironment({});
    expect(env.PORT).toBe(3000);
    expect(env.DATA_DIR).toBe('./data');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.AUTH_JWKS_URL).toBeUndefined();
  });

  it('parses numbers and URLs', () => {
    const env = loadEnvironment({
      PORT: '8080',
      DATABASE_URL: 'postgres://root@127.0.0.1:5432/test',
      AUTH_JWKS_URL: 'http://127.0.0.1:9999/pool/.well-known/jwks.json',
      AUTH_ISSUER: 'http://127.0.0.1:9999/pool',
      AUTH_AUDIENCE: 'client',
    });
    expect(env.PORT).toBe(8080);
    expect(env.DATABASE_URL).toBe('postgres://root@127.0.0.1:5432/test');
  });

  it('builds the connection URL from its parts, as ECS injects them from a secret', () => {
    const env = loadEnvironment({
      DATABASE_HOST: 'db.cluster.ca-central-1.rds.amazonaws.com',
      DATABASE_NAME: 'fairdraw',
      DATABASE_USER: 'fairdraw_runtime',
      DATABASE_PASSWORD: 'p@ss/word:1',
    });
    const url = new URL(env.DATABASE_URL!);
    expect(url.hostname).toBe('db.cluster.ca-central-1.rds.amazonaws.com');
    expect(url.port).toBe('5432');
    expect(decodeURIComponent(url.password)).toBe('p@ss/word:1');
    expect(url.pathname).toBe('/fairdraw');
  });

  it('lets the migration task run in production with only the database settings', () => {
    const env = loadDatabaseEnvironment({
      NODE_ENV: 'production',
      DATABASE_HOST: 'db.internal',
      DATABASE_NAME: 'fairdraw',
      DATABASE_USER: 'fairdraw_owner',
    });
    expect(env.DATABASE_URL).toBe('postgres://fairdraw_owner@db.internal:5432/fairdraw');
    expect(() => loadEnvironment({ NODE_ENV: 'production', DATABASE_URL: env.DATABASE_URL })).toThrow(
      ConfigError,
    );
  });

  it.each([
    [{ DATABASE_HOST: 'db', DATABASE_USER: 'u' }, 'DATABASE_NAME'],
    [{ DATABASE_MIGRATE: 'no' }, 'DATABASE_MIGRATE'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ AUTH_JWKS_URL: 'not a url', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }, 'AUTH_JWKS_URL'],
    [{ AUTH_JWKS_URL: 'https://issuer.example/jwks.json', AUTH_AUDIENCE: 'a' }, 'AUTH_ISSUER'],
    [{ AUTH_JWKS_URL: 'https://issuer.example/jwks.json', AUTH_ISSUER: 'i' }, 'AUTH_AUDIENCE'],
    [{ NODE_ENV: 'production' }, 'AUTH_JWKS_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DRAW_FAULT_INJECTION: 'kill-sometimes' }, 'DRAW_FAULT_INJECTION'],
  ])('refuses %j naming %s', (env, variable) => {
    const error = configErrorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}`)).toBe(true);
  });
});

describe('loadEnvironment: the RNG settings', () => {
  const pkcs11 = {
    RNG_PROVIDER: 'pkcs11',
    PKCS11_MODULE: '/opt/cloudhsm/lib/libcloudhsm_pkcs11.so',
    PKCS11_TOKEN_LABEL: 'hsm1',
    PKCS11_PIN: 'fairdraw_cu:secret-pin',
  };
  const production = {
    NODE_ENV: 'production',
    AUTH_JWKS_URL: 'https://cognito-idp.ca-central-1.amazonaws.com/pool/.well-known/jwks.json',
    AUTH_ISSUER: 'https://cognito-idp.ca-central-1.amazonaws.com/pool',
    AUTH_AUDIENCE: 'client',
    LEDGER_SIGNING_KEY: 'PRIVATE+KEY+fairdraw.example/ledger+0a1b2c3d+AAAA',
    PAYMENT_PROVIDERS: 'cash',
    GEOLOCATION_PROVIDER: 'jws',
    GEOLOCATION_JWKS_URL: 'https://geo.example/.well-known/jwks.json',
    GEOLOCATION_ISSUER: 'https://geo.example',
  };

  it('defaults to the os provider outside production, with the documented defaults', () => {
    const env = loadEnvironment({});
    expect(env).toMatchObject({
      RNG_PROVIDER: 'os',
      PKCS11_POOL_SIZE: 2,
      RNG_TIMEOUT_MS: 5_000,
      RNG_ALLOW_UNCERTIFIED: false,
    });
  });

  it('accepts a pkcs11 configuration by label or by slot, and kms with AWS_REGION', () => {
    expect(loadEnvironment(pkcs11)).toMatchObject({ RNG_PROVIDER: 'pkcs11', PKCS11_TOKEN_LABEL: 'hsm1' });
    const { PKCS11_TOKEN_LABEL: _label, ...bySlot } = pkcs11;
    expect(loadEnvironment({ ...bySlot, PKCS11_SLOT: '3' }).PKCS11_SLOT).toBe(3);
    expect(
      loadEnvironment({ RNG_PROVIDER: 'kms', AWS_REGION: 'ca-central-1' }).RNG_KMS_REGION,
    ).toBeUndefined();
    expect(
      loadEnvironment({ ...production, RNG_PROVIDER: 'kms', RNG_KMS_REGION: 'ca-central-1' }).RNG_PROVIDER,
    ).toBe('kms');
    expect(loadEnvironment({ ...production, ...pkcs11 }).NODE_ENV).toBe('production');
  });

  it.each([
    [{ RNG_PROVIDER: 'dice' }, 'RNG_PROVIDER'],
    [{ ...pkcs11, PKCS11_MODULE: '' }, 'PKCS11_MODULE'],
    [{ ...pkcs11, PKCS11_MODULE: 'relative/lib.so' }, 'PKCS11_MODULE'],
    [{ ...pkcs11, PKCS11_TOKEN_LABEL: undefined }, 'PKCS11_TOKEN_LABEL'],
    [{ ...pkcs11, PKCS11_PIN: undefined }, 'PKCS11_PIN'],
    [{ ...pkcs11, PKCS11_SLOT: '-1' }, 'PKCS11_SLOT'],
    [{ ...pkcs11, PKCS11_POOL_SIZE: '0' }, 'PKCS11_POOL_SIZE'],
    [{ RNG_PROVIDER: 'kms' }, 'RNG_KMS_REGION'],
    [{ RNG_PROVIDER: 'kms', RNG_KMS_REGION: 'Canada' }, 'RNG_KMS_REGION'],
    [{ RNG_KMS_CUSTOM_KEY_STORE_ID: 'store-1' }, 'RNG_KMS_CUSTOM_KEY_STORE_ID'],
    [{ RNG_TIMEOUT_MS: '5' }, 'RNG_TIMEOUT_MS'],
    [{ RNG_ALLOW_UNCERTIFIED: 'yes' }, 'RNG_ALLOW_UNCERTIFIED'],
    [{ ...production }, 'RNG_PROVIDER'],
    [{ ...production, ...pkcs11, DRAW_FAULT_INJECTION: 'kill-after-rng' }, 'DRAW_FAULT_INJECTION'],
    [
      {
        ...production,
        RNG_PROVIDER: 'kms',
        AWS_REGION: 'us-east-1',
        RNG_KMS_ENDPOINT: 'http://127.0.0.1:5000',
      },
      'RNG_PROVIDER',
    ],
  ])('refuses %j naming %s', (env, variable) => {
    const error = configErrorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}`)).toBe(true);
    expect(error.message).not.toContain('secret-pin');
  });

  it('says why production refuses an uncertified source, and accepts it only when told explicitly', () => {
    expect(configErrorOf(production).message).toMatch(
      /RNG_PROVIDER=os is not a certified RNG .* set RNG_ALLOW_UNCERTIFIED=true/,
    );
    const allowed = loadEnvironment({ ...production, RNG_ALLOW_UNCERTIFIED: 'true' });
    expect(allowed).toMatchObject({ RNG_PROVIDER: 'os', RNG_ALLOW_UNCERTIFIED: true });
  });

  it('treats only amazonaws.com endpoints as AWS KMS itself', () => {
    expect(isKmsStandIn(undefined)).toBe(false);
    expect(isKmsStandIn('https://kms.ca-central-1.amazonaws.com')).toBe(false);
    expect(isKmsStandIn('https://vpce-0abc-xyz.kms.ca-central-1.vpce.amazonaws.com')).toBe(false);
    expect(isKmsStandIn('http://127.0.0.1:5000')).toBe(true);
    expect(isKmsStandIn('https://amazonaws.com.example.net')).toBe(true);
  });
});

describe('loadEnvironment: the payment settings', () => {
  const production = {
    NODE_ENV: 'production',
    AUTH_JWKS_URL: 'https://cognito-idp.ca-central-1.amazonaws.com/pool/.well-known/jwks.json',
    AUTH_ISSUER: 'https://cognito-idp.ca-central-1.amazonaws.com/pool',
    AUTH_AUDIENCE: 'client',
    LEDGER_SIGNING_KEY: 'PRIVATE+KEY+fairdraw.example/ledger+0a1b2c3d+AAAA',
    RNG_ALLOW_UNCERTIFIED: 'true',
    GEOLOCATION_PROVIDER: 'jws',
    GEOLOCATION_JWKS_URL: 'https://geo.example/.well-known/jwks.json',
    GEOLOCATION_ISSUER: 'https://geo.example',
  };
  const stripe = {
    PAYMENT_PROVIDERS: 'stripe,cash',
    STRIPE_SECRET_KEY: 'sk_test_secret123',
    STRIPE_WEBHOOK_SECRET: 'whsec_secret456',
  };

  it('keeps the development default (cash,test) outside production and accepts stripe with its secrets', () => {
    expect(loadEnvironment({}).PAYMENT_PROVIDERS).toBe('cash,test');
    expect(loadEnvironment({ ...production, ...stripe }).PAYMENT_PROVIDERS).toBe('stripe,cash');
  });

  it.each([
    [{ ...production }, 'PAYMENT_PROVIDERS'],
    [
      {
        ...production,
        PAYMENT_PROVIDERS: 'stripe,test',
        STRIPE_SECRET_KEY: 'sk_test_a',
        STRIPE_WEBHOOK_SECRET: 'whsec_b',
      },
      'PAYMENT_PROVIDERS',
    ],
    [{ ...stripe, STRIPE_SECRET_KEY: undefined }, 'STRIPE_SECRET_KEY'],
    [{ ...stripe, STRIPE_WEBHOOK_SECRET: undefined }, 'STRIPE_WEBHOOK_SECRET'],
  ])('refuses %j naming %s, without echoing a secret', (env, variable) => {
    const error = configErrorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}`)).toBe(true);
    expect(error.message).not.toMatch(/secret123|secret456/);
  });
});

describe('loadEnvironment: secrets in error messages', () => {
  it.each([
    ['DATABASE_URL', 'mysql://fairdraw:hunter2-pw@db/fairdraw'],
    ['LEDGER_SIGNING_KEY', 'PRIVATE+KEY+hunter2-pw'],
    ['STRIPE_SECRET_KEY', 'sk_live hunter2-pw'],
    ['STRIPE_WEBHOOK_SECRET', 'whsec hunter2-pw'],
  ])('names a malformed %s without echoing its value', (variable, value) => {
    const error = configErrorOf({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).toContain('value withheld');
    expect(error.message).not.toContain('hunter2-pw');
  });

  it('still shows the value of an ordinary variable, to help fix it', () => {
    expect(configErrorOf({ PORT: 'eighty' }).message).toContain('got "eighty"');
  });
});

describe('loadEnvironment: the geolocation settings (PLY-2)', () => {
  const production = {
    NODE_ENV: 'production',
    AUTH_JWKS_URL: 'https://cognito-idp.ca-central-1.amazonaws.com/pool/.well-known/jwks.json',
    AUTH_ISSUER: 'https://cognito-idp.ca-central-1.amazonaws.com/pool',
    AUTH_AUDIENCE: 'client',
    LEDGER_SIGNING_KEY: 'PRIVATE+KEY+fairdraw.example/ledger+0a1b2c3d+AAAA',
    RNG_ALLOW_UNCERTIFIED: 'true',
    PAYMENT_PROVIDERS: 'cash',
  };
  const jws = {
    GEOLOCATION_PROVIDER: 'jws',
    GEOLOCATION_JWKS_URL: 'https://geo.example/.well-known/jwks.json',
    GEOLOCATION_ISSUER: 'https://geo.example',
  };

  it('defaults to none outside production, with a five-minute token lifetime and audience fairdraw', () => {
    expect(loadEnvironment({})).toMatchObject({
      GEOLOCATION_PROVIDER: 'none',
      GEOLOCATION_AUDIENCE: 'fairdraw',
      GEOLOCATION_MAX_TOKEN_AGE_SECONDS: 300,
      GEOLOCATION_CERTIFIED: false,
    });
    expect(loadEnvironment({ ...production, ...jws, GEOLOCATION_CERTIFIED: 'true' })).toMatchObject({
      GEOLOCATION_PROVIDER: 'jws',
      GEOLOCATION_CERTIFIED: true,
    });
  });

  it.each([
    [{ ...production }, 'GEOLOCATION_PROVIDER'],
    [{ GEOLOCATION_PROVIDER: 'gps' }, 'GEOLOCATION_PROVIDER'],
    [{ GEOLOCATION_PROVIDER: 'jws', GEOLOCATION_ISSUER: 'https://geo.example' }, 'GEOLOCATION_JWKS_URL'],
    [{ GEOLOCATION_PROVIDER: 'jws', GEOLOCATION_JWKS_URL: 'https://geo.example/jwks' }, 'GEOLOCATION_ISSUER'],
    [{ ...jws, GEOLOCATION_PUBLIC_KEY: 'not a key' }, 'GEOLOCATION_PUBLIC_KEY'],
    [{ ...jws, GEOLOCATION_MAX_TOKEN_AGE_SECONDS: '3600' }, 'GEOLOCATION_MAX_TOKEN_AGE_SECONDS'],
  ])('refuses %j naming %s', (env, variable) => {
    const error = configErrorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(variable)).toBe(true);
  });
});
