import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  getMetadataStorage,
  validateSync,
  type ValidationError,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const NODE_ENVS = ['development', 'test', 'production'] as const;
export const RNG_PROVIDERS = ['os', 'pkcs11', 'kms'] as const;
/** Test-only crash points of a draw (see src/draw/draw-fault.ts); refused in production. */
export const DRAW_FAULTS = ['none', 'kill-after-rng', 'kill-after-rng-request', 'kill-after-commit'] as const;

/**
 * Every environment variable the service reads. Validated once at start; a missing or
 * malformed value stops the process with one message naming the variable.
 */
export class AppConfig {
  @IsOptional()
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @Transform(toInt)
  @IsInt({ message: 'PORT must be an integer from 0 to 65535' })
  @Min(0, { message: 'PORT must be an integer from 0 to 65535' })
  @Max(65535, { message: 'PORT must be an integer from 0 to 65535' })
  PORT: number = 3000;

  @IsOptional()
  @IsString()
  HOST: string = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'DATABASE_URL must be a postgres:// or postgresql:// connection URL',
  })
  DATABASE_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE: number = 20;

  /** The parts of a PostgreSQL connection, as ECS injects them from a Secrets Manager secret. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9.-]+$/, { message: 'DATABASE_HOST must be a host name or address' })
  DATABASE_HOST?: string;

  @Transform(toInt)
  @IsInt({ message: 'DATABASE_PORT must be an integer from 1 to 65535' })
  @Min(1, { message: 'DATABASE_PORT must be an integer from 1 to 65535' })
  @Max(65535, { message: 'DATABASE_PORT must be an integer from 1 to 65535' })
  DATABASE_PORT: number = 5432;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DATABASE_NAME?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DATABASE_USER?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DATABASE_PASSWORD?: string;

  /** `false` when the service runs as the least-privilege role and a separate task migrates. */
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsIn([true, false], { message: 'DATABASE_MIGRATE must be true or false' })
  DATABASE_MIGRATE: boolean = true;

  @IsString()
  @MinLength(1)
  DATA_DIR: string = './data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    {
      message: 'AUTH_JWKS_URL must be an http(s) URL of a JWKS document',
    },
  )
  AUTH_JWKS_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1)
  AUTH_ISSUER?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1)
  AUTH_AUDIENCE?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9_:.-]+$/, { message: 'AUTH_ROLES_CLAIM must be a claim name' })
  AUTH_ROLES_CLAIM?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE: number = 1200;

  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsIn([true, false], { message: 'TRUST_PROXY must be true or false' })
  TRUST_PROXY: boolean = false;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS: number = 10_000;

  // --- ledger -------------------------------------------------------------------------------

  /** The checkpoint origin line, also the signing key's name (a schema-less URL, no spaces or '+'). */
  @Matches(/^[^\s+]+$/, { message: 'LEDGER_ORIGIN must be a non-empty name without spaces or +' })
  LEDGER_ORIGIN: string = 'fairdraw.local/ledger';

  /** C2SP signed-note signer key `PRIVATE+KEY+<name>+<hexid>+<base64>`; generated into DATA_DIR when unset. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^PRIVATE\+KEY\+[^\s+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$/, {
    message: 'LEDGER_SIGNING_KEY must be a signed-note signer key PRIVATE+KEY+<name>+<hexid>+<base64>',
  })
  LEDGER_SIGNING_KEY?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  LEDGER_BATCH_SIZE: number = 2_000;

  @Transform(toInt)
  @IsInt()
  @Min(5)
  @Max(10_000)
  LEDGER_POLL_MS: number = 50;

  /**
   * How long a transaction integrating its own journal entries waits for the sequencer lock held
   * by another replica before it queues them instead (the lock is normally held for one batch).
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  LEDGER_LOCK_WAIT_MS: number = 2_000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  ANCHOR_INTERVAL_SECONDS: number = 300;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'ANCHOR_S3_BUCKET must be an S3 bucket name' })
  ANCHOR_S3_BUCKET?: string;

  @IsString()
  ANCHOR_S3_PREFIX: string = '';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'AWS_REGION must be a region name such as ca-central-1' })
  AWS_REGION?: string;

  /** Only for S3-compatible test servers (moto_server); unset in AWS. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true }, { message: 'ANCHOR_S3_ENDPOINT must be a URL' })
  ANCHOR_S3_ENDPOINT?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  ANCHOR_RETENTION_DAYS: number = 2_555;

  // --- raffles, sales and payments ----------------------------------------------------------

  /** Payment providers this service accepts, comma-separated: stripe, cash, test (never test in production). */
  @Matches(/^(stripe|cash|test)(,(stripe|cash|test))*$/, {
    message: 'PAYMENT_PROVIDERS must be a comma-separated list of stripe, cash and test',
  })
  PAYMENT_PROVIDERS: string = 'cash,test';

  /** Stripe secret or restricted API key; required when PAYMENT_PROVIDERS includes stripe. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, {
    message: 'STRIPE_SECRET_KEY must be a Stripe sk_/rk_ key',
  })
  STRIPE_SECRET_KEY?: string;

  /** The signing secret of the Stripe webhook endpoint; required when PAYMENT_PROVIDERS includes stripe. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^whsec_[A-Za-z0-9+/=_-]+$/, { message: 'STRIPE_WEBHOOK_SECRET must be a Stripe whsec_ secret' })
  STRIPE_WEBHOOK_SECRET?: string;

  /** Only for a local stand-in of the Stripe API in tests; unset in production. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true }, { message: 'STRIPE_API_URL must be a URL' })
  STRIPE_API_URL?: string;

  /** Most orders of one raffle committed in one transaction. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(2_000)
  SALES_BATCH_MAX: number = 200;

  /** How long the first order of an idle raffle waits for others to share its commit. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100)
  SALES_BATCH_LINGER_MS: number = 2;

  /** Order and webhook requests per second from one client address (its own window, not RATE_LIMIT_PER_MINUTE). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  SALES_RATE_LIMIT_PER_SECOND: number = 500;

  // --- buyer eligibility (PLY-2, src/eligibility) -------------------------------------------

  /** Geolocation of online buyers: jws (a provider-signed token) or none (development only, never in production). */
  @IsIn(['none', 'jws'], { message: 'GEOLOCATION_PROVIDER must be none or jws' })
  GEOLOCATION_PROVIDER: string = 'none';

  /** jws: the provider's JWKS URL (or set GEOLOCATION_PUBLIC_KEY). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'GEOLOCATION_JWKS_URL must be an http(s) URL of a JWKS document' },
  )
  GEOLOCATION_JWKS_URL?: string;

  /** jws: the provider's public key in PEM (SPKI), instead of a JWKS URL. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/, {
    message: 'GEOLOCATION_PUBLIC_KEY must be a PEM public key (-----BEGIN PUBLIC KEY-----)',
  })
  GEOLOCATION_PUBLIC_KEY?: string;

  /** jws: the provider's `iss`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1)
  GEOLOCATION_ISSUER?: string;

  /** jws: this service as the provider names it in `aud`. */
  @IsString()
  @MinLength(1)
  GEOLOCATION_AUDIENCE: string = 'fairdraw';

  /** jws: the longest a token lives (exp - iat) and the oldest iat accepted, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(900)
  GEOLOCATION_MAX_TOKEN_AGE_SECONDS: number = 300;

  /** jws: the operator declares the provider certified for the licensing regulator (journaled with refusals). */
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsIn([true, false], { message: 'GEOLOCATION_CERTIFIED must be true or false' })
  GEOLOCATION_CERTIFIED: boolean = false;

  /** How long an online order holds its tickets while the buyer pays. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86_400)
  PAYMENT_HOLD_SECONDS: number = 900;

  /** How often scheduled work runs: closing sales at the end of the window, expiring holds, refunds. */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60_000)
  SALES_SCHEDULER_INTERVAL_MS: number = 1_000;

  /** How long the public raffle view (live counter and 50/50 estimate) may be served from memory. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  PUBLIC_STATS_CACHE_MS: number = 1_000;

  // --- draws --------------------------------------------------------------------------------

  /** How often each replica looks for draws that are due (the database makes each happen once). */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(600_000)
  DRAW_SCHEDULER_INTERVAL_MS: number = 5_000;

  /** How long after a cut-off a draw during sales waits for sales journaled before it to be integrated. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  DRAW_CUTOFF_GRACE_MS: number = 2_000;

  /** How long a draw waits for the raffle's sale and void entries to be integrated before it reports waiting. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  DRAW_SETTLE_WAIT_MS: number = 10_000;

  /** Tests only: kill the process at a point of a draw (kill-after-rng, kill-after-rng-request, kill-after-commit); refused in production. */
  @IsIn(DRAW_FAULTS, {
    message:
      'DRAW_FAULT_INJECTION must be one of none, kill-after-rng, kill-after-rng-request, kill-after-commit',
  })
  DRAW_FAULT_INJECTION: (typeof DRAW_FAULTS)[number] = 'none';

  // --- rng ----------------------------------------------------------------------------------

  /** Where draws get their random bytes: pkcs11 (CloudHSM), kms (AWS KMS GenerateRandom) or os (development, NOT certified). */
  @IsIn(RNG_PROVIDERS, { message: 'RNG_PROVIDER must be one of pkcs11, kms, os' })
  RNG_PROVIDER: (typeof RNG_PROVIDERS)[number] = 'os';

  /** The PKCS#11 module: /opt/cloudhsm/lib/libcloudhsm_pkcs11.so (CloudHSM), /usr/lib/softhsm/libsofthsm2.so (SoftHSM2). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\/\S+$/, { message: 'PKCS11_MODULE must be an absolute path to a PKCS#11 module' })
  PKCS11_MODULE?: string;

  /** Label of the token to draw from (CloudHSM SDK 5: hsm1); the slot is found by it. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1)
  PKCS11_TOKEN_LABEL?: string;

  /** Slot id; with a label as well, both must match. */
  @Transform(toInt)
  @IsOptional()
  @IsInt({ message: 'PKCS11_SLOT must be a non-negative integer' })
  @Min(0, { message: 'PKCS11_SLOT must be a non-negative integer' })
  PKCS11_SLOT?: number;

  /** CKU_USER PIN (CloudHSM: '<crypto user>:<password>'); a secret, injected from Secrets Manager, never logged. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(1)
  PKCS11_PIN?: string;

  /** PKCS#11 sessions opened and logged in (generate calls served at once). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  PKCS11_POOL_SIZE: number = 2;

  /** Region of KMS GenerateRandom; AWS_REGION when unset. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[a-z]{2}(-[a-z]+)+-\d$/, {
    message: 'RNG_KMS_REGION must be a region name such as ca-central-1',
  })
  RNG_KMS_REGION?: string;

  /** Only for stand-ins (moto_server) in tests; any endpoint outside amazonaws.com makes the source NOT certified. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true }, { message: 'RNG_KMS_ENDPOINT must be a URL' })
  RNG_KMS_ENDPOINT?: string;

  /** Generate inside the CloudHSM cluster of this KMS custom key store (cks-...). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^cks-[a-z0-9]+$/, {
    message: 'RNG_KMS_CUSTOM_KEY_STORE_ID must be a custom key store id cks-...',
  })
  RNG_KMS_CUSTOM_KEY_STORE_ID?: string;

  /** Deadline of one provider call (KMS request, wait for a PKCS#11 session, readiness probe). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  RNG_TIMEOUT_MS: number = 5_000;

  /** Lets NODE_ENV=production run on a source that is not certified (os, a KMS stand-in). Logged at start. */
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsIn([true, false], { message: 'RNG_ALLOW_UNCERTIFIED must be true or false' })
  RNG_ALLOW_UNCERTIFIED: boolean = false;

  // --- audit --------------------------------------------------------------------------------

  /** SHA-256 (64 hex) of the certified build, from the lab's letter; a running digest that differs stops draws. */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value))
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'CERTIFIED_CODE_DIGEST must be a SHA-256 digest of 64 hex digits' })
  CERTIFIED_CODE_DIGEST?: string;

  /** How often the running code is hashed and compared with CERTIFIED_CODE_DIGEST; 0: at start, on demand and before draws only. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400)
  INTEGRITY_SOFTWARE_INTERVAL_SECONDS: number = 3_600;

  /** How often the whole journal is re-verified (one replica at a time); 0: only on demand. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(604_800)
  INTEGRITY_JOURNAL_INTERVAL_SECONDS: number = 900;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the variables a settings class declares (its property names are the variable
 * names); throws a ConfigError naming the first bad variable. Modules declare their own
 * settings classes and validate them with this same function.
 */
export function validateEnvironment<T extends object>(
  settings: new () => T,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const names = declaredVariables(settings);
  const relevant = Object.fromEntries(Object.entries(env).filter(([key]) => names.has(key)));
  const parsed = plainToInstance(settings, relevant, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { forbidUnknownValues: true });
  if (errors.length > 0) throw toConfigError(errors[0]);
  return parsed;
}

/** Reads and validates the core environment of the service. */
export function loadEnvironment(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = validateEnvironment(AppConfig, env);
  if (parsed.AUTH_JWKS_URL !== undefined) {
    for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE'] as const) {
      if (parsed[name] === undefined) {
        throw new ConfigError(name, `${name} is required when AUTH_JWKS_URL is set`);
      }
    }
  } else if (parsed.NODE_ENV === 'production') {
    throw new ConfigError(
      'AUTH_JWKS_URL',
      'AUTH_JWKS_URL is required when NODE_ENV=production (the local development signing key is refused)',
    );
  }
  withDatabaseUrl(parsed);
  if (parsed.NODE_ENV === 'production' && parsed.LEDGER_SIGNING_KEY === undefined) {
    throw new ConfigError('LEDGER_SIGNING_KEY', 'LEDGER_SIGNING_KEY is required when NODE_ENV=production');
  }
  if (parsed.ANCHOR_S3_BUCKET !== undefined && parsed.AWS_REGION === undefined) {
    throw new ConfigError('AWS_REGION', 'AWS_REGION is required when ANCHOR_S3_BUCKET is set');
  }
  if (parsed.NODE_ENV === 'production' && parsed.DRAW_FAULT_INJECTION !== 'none') {
    throw new ConfigError(
      'DRAW_FAULT_INJECTION',
      'DRAW_FAULT_INJECTION is a test fault and is refused when NODE_ENV=production',
    );
  }
  checkRngEnvironment(parsed);
  checkPaymentEnvironment(parsed);
  checkGeolocationEnvironment(parsed);
  return parsed;
}

/**
 * The payment settings that depend on each other and on NODE_ENV, checked at start so that a
 * deployment missing them stops with one message naming the variable.
 */
export function checkPaymentEnvironment(config: AppConfig): void {
  const names = new Set(config.PAYMENT_PROVIDERS.split(',').map((name) => name.trim()));
  if (names.has('test') && config.NODE_ENV === 'production') {
    throw new ConfigError(
      'PAYMENT_PROVIDERS',
      'PAYMENT_PROVIDERS must not include test when NODE_ENV=production (the default is cash,test: set it, e.g. stripe,cash)',
    );
  }
  if (names.has('stripe')) {
    for (const name of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const) {
      if (!config[name])
        throw new ConfigError(name, `${name} is required when PAYMENT_PROVIDERS includes stripe`);
    }
  }
}

/** The geolocation settings: jws needs a key and an issuer; none is refused in production. */
export function checkGeolocationEnvironment(config: AppConfig): void {
  if (config.GEOLOCATION_PROVIDER === 'none') {
    if (config.NODE_ENV === 'production') {
      throw new ConfigError(
        'GEOLOCATION_PROVIDER',
        'GEOLOCATION_PROVIDER=none checks no online buyer and is refused when NODE_ENV=production (use jws)',
      );
    }
    return;
  }
  if (config.GEOLOCATION_JWKS_URL === undefined && config.GEOLOCATION_PUBLIC_KEY === undefined) {
    throw new ConfigError(
      'GEOLOCATION_JWKS_URL',
      'GEOLOCATION_JWKS_URL (or GEOLOCATION_PUBLIC_KEY) is required when GEOLOCATION_PROVIDER=jws',
    );
  }
  if (config.GEOLOCATION_ISSUER === undefined) {
    throw new ConfigError(
      'GEOLOCATION_ISSUER',
      'GEOLOCATION_ISSUER is required when GEOLOCATION_PROVIDER=jws',
    );
  }
}

/** True for a KMS endpoint that is not AWS's own (a stand-in such as moto_server): its bytes are not certified. */
export function isKmsStandIn(endpoint: string | undefined): boolean {
  if (endpoint === undefined) return false;
  const host = new URL(endpoint).hostname.toLowerCase();
  return !/(^|\.)amazonaws\.com(\.cn)?$/.test(host);
}

/**
 * The RNG settings that depend on each other (also run by the RNG command-line tools, which read
 * the same variables). There is no fallback: a provider that lacks a setting stops the start.
 */
export function checkRngEnvironment(config: AppConfig): void {
  const requireFor = (name: keyof AppConfig, detail = '') => {
    if (config[name] === undefined) {
      throw new ConfigError(name, `${name} is required when RNG_PROVIDER=${config.RNG_PROVIDER}${detail}`);
    }
  };
  if (config.RNG_PROVIDER === 'pkcs11') {
    requireFor('PKCS11_MODULE');
    if (config.PKCS11_SLOT === undefined) requireFor('PKCS11_TOKEN_LABEL', ' (or set PKCS11_SLOT)');
    requireFor('PKCS11_PIN');
  }
  if (config.RNG_PROVIDER === 'kms' && config.AWS_REGION === undefined) {
    requireFor('RNG_KMS_REGION', ' (or set AWS_REGION)');
  }
  const certified =
    config.RNG_PROVIDER === 'pkcs11' ||
    (config.RNG_PROVIDER === 'kms' && !isKmsStandIn(config.RNG_KMS_ENDPOINT));
  if (config.NODE_ENV === 'production' && !certified && !config.RNG_ALLOW_UNCERTIFIED) {
    const what =
      config.RNG_PROVIDER === 'os' ? 'RNG_PROVIDER=os' : `the KMS stand-in at ${config.RNG_KMS_ENDPOINT}`;
    throw new ConfigError(
      'RNG_PROVIDER',
      `RNG_PROVIDER: ${what} is not a certified RNG and is refused when NODE_ENV=production ` +
        '(use pkcs11 or kms, or set RNG_ALLOW_UNCERTIFIED=true to accept it explicitly)',
    );
  }
}

/**
 * Only what the database needs, for the migration task: it runs as the schema owner with none
 * of the service's other settings.
 */
export function loadDatabaseEnvironment(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return withDatabaseUrl(validateEnvironment(AppConfig, env));
}

/** Builds DATABASE_URL from its parts when only the parts are given (as ECS injects a secret). */
function withDatabaseUrl(parsed: AppConfig): AppConfig {
  if (parsed.DATABASE_URL === undefined && parsed.DATABASE_HOST !== undefined) {
    for (const name of ['DATABASE_NAME', 'DATABASE_USER'] as const) {
      if (parsed[name] === undefined)
        throw new ConfigError(name, `${name} is required when DATABASE_HOST is set`);
    }
    const url = new URL(`postgres://${parsed.DATABASE_HOST}:${parsed.DATABASE_PORT}`);
    url.username = parsed.DATABASE_USER!;
    if (parsed.DATABASE_PASSWORD !== undefined) url.password = parsed.DATABASE_PASSWORD;
    url.pathname = `/${encodeURIComponent(parsed.DATABASE_NAME!)}`;
    parsed.DATABASE_URL = url.toString();
  }
  return parsed;
}

function declaredVariables(settings: new () => object): Set<string> {
  const names = new Set<string>();
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(settings, '', true, false)) {
    names.add(meta.propertyName);
  }
  return names;
}

/** Variables whose values are secrets (or hold one, as a connection URL holds its password): never echoed. */
const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'DATABASE_PASSWORD',
  'LEDGER_SIGNING_KEY',
  'PKCS11_PIN',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
]);

function toConfigError(error: ValidationError): ConfigError {
  const reasons = Object.values(error.constraints ?? {});
  const shown =
    error.value === undefined
      ? 'missing'
      : SECRET_VARIABLES.has(error.property)
        ? 'value withheld: a secret'
        : `got ${JSON.stringify(String(error.value))}`;
  return new ConfigError(error.property, `${error.property}: ${reasons[0] ?? 'is invalid'} (${shown})`);
}
