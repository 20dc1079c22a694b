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
