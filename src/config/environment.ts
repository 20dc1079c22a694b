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
  @Matches(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, { message: 'STRIPE_SECRET_KEY must be a Stripe sk_/rk_ key' })
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
  if (parsed.NODE_ENV === 'production' && parsed.LEDGER_SIGNING_KEY === undefined) {
    throw new ConfigError('LEDGER_SIGNING_KEY', 'LEDGER_SIGNING_KEY is required when NODE_ENV=production');
  }
  if (parsed.ANCHOR_S3_BUCKET !== undefined && parsed.AWS_REGION === undefined) {
    throw new ConfigError('AWS_REGION', 'AWS_REGION is required when ANCHOR_S3_BUCKET is set');
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

function toConfigError(error: ValidationError): ConfigError {
  const reasons = Object.values(error.constraints ?? {});
  const shown = error.value === undefined ? 'missing' : `got ${JSON.stringify(String(error.value))}`;
  return new ConfigError(error.property, `${error.property}: ${reasons[0] ?? 'is invalid'} (${shown})`);
}
