/**
 * The deployment's parameters, read from CDK context (`cdk.json` or `-c key=value`) and
 * checked once, so a wrong value stops `cdk synth` with a message naming the key instead of
 * failing half-way through a CloudFormation deployment.
 */
/** What the foundation stack (network, image repository) needs. */
export interface FoundationConfig {
  /** Placeholder values (deploy/config/example.*.json): synthesis only, never a deployment. */
  readonly example: boolean;
  /** Prefix of the stack names, e.g. `Fairdraw` gives `Fairdraw-Foundation` and `Fairdraw-Service`. */
  readonly stackPrefix: string;
  /** AWS region of every stack. Ontario (DATA-7) needs `ca-central-1` or another Canadian region. */
  readonly region: string;
  /** AWS account, when known (the CLI passes it when credentials are present). */
  readonly account?: string;
  /** Availability zones to use; when absent CDK picks two (three with a concrete account). */
  readonly availabilityZones?: string[];
  /** NAT gateways: one per AZ by default, so losing an AZ does not cut the others off. */
  readonly natGateways?: number;
}

/** What the service stack needs as well; it exists once the CloudHSM cluster does. */
export interface FairdrawConfig extends FoundationConfig {
  /** Public host name of the service (certificate, Cognito callback, default ledger origin). */
  readonly domainName: string;
  /** An ACM certificate in the same region; when absent, the stack requests one (DNS validation). */
  readonly certificateArn?: string;
  /** Route 53 hosted zone for `domainName`: validates the certificate and adds an alias record. */
  readonly hostedZone?: { readonly id: string; readonly name: string };
  /** The existing CloudHSM cluster (`cluster-...`); CloudFormation cannot create one. */
  readonly hsmClusterId: string;
  /** The security group AWS created with the cluster (`cloudhsm-cluster-<id>-sg`). */
  readonly hsmSecurityGroupId: string;
  /** Token label of the CloudHSM PKCS#11 slot. */
  readonly pkcs11TokenLabel: string;
  /** Image tag or digest (`sha256:...`) in the Foundation stack's ECR repository. */
  readonly imageTag: string;
  /** sha256 hex of the certified build, reported by the service when set. */
  readonly certifiedCodeDigest?: string;
  /** Tasks when idle; at least two so one task or one AZ can fail without an outage. */
  readonly desiredCount: number;
  /** Upper bound for autoscaling. */
  readonly maxCount: number;
  /**
   * First deployment only: creates everything but runs no task, so the database can be
   * migrated and the runtime role's password set before the service starts.
   */
  readonly bootstrap: boolean;
  readonly taskCpu: number;
  readonly taskMemoryMiB: number;
  /** Aurora Serverless v2 capacity range in ACUs. */
  readonly dbMinCapacity: number;
  readonly dbMaxCapacity: number;
  /** Days each anchor stays under S3 Object Lock (COMPLIANCE); Ontario keeps books 4 years (DATA-5). */
  readonly anchorRetentionDays: number;
  /** Days before anchors and exports move to S3 Glacier Flexible Retrieval. */
  readonly archiveAfterDays: number;
  /** Minutes without a `checkpoint_anchored` event before the anchoring-lag alarm fires. */
  readonly anchorLagMinutes: number;
  /** Checkpoint origin line; defaults to `<domainName>/ledger`. */
  readonly ledgerOrigin: string;
  readonly logLevel: string;
  /**
   * PAYMENT_PROVIDERS of the service: `stripe` (online sales; its API key and webhook secret come
   * from Secrets Manager) and/or `cash` (POS and cashier sales). The development-only `test`
   * provider is refused, as the service itself refuses it in production.
   */
  readonly paymentProviders: string;
  /**
   * Geolocation of online buyers (PLY-2, docs/eligibility.md): the provider's JWKS URL and `iss`,
   * how it names this service in `aud`, and whether the regulator has certified it. The service
   * refuses to start in production without a provider, so these are required.
   */
  readonly geolocation: {
    readonly jwksUrl: string;
    readonly issuer: string;
    readonly audience: string;
    readonly certified: boolean;
  };
  /** Requests per 5 minutes from one IP address before AWS WAF blocks it. */
  readonly wafRateLimit: number;
  /** 5xx responses as a percentage of requests that raises the 5xx alarm. */
  readonly http5xxAlarmPercent: number;
  /** Receives alarm notifications by e-mail (the subscription must be confirmed). */
  readonly alarmEmail?: string;
  /** Prefix of the Cognito hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`). */
  readonly cognitoDomainPrefix?: string;
  /** Command of the one-off migration task, run as the database owner. */
  readonly migrateCommand: string[];
}

/** Canadian regions; DATA-7 requires the outcome-deciding parts (database, HSM, anchors) there. */
export const CANADIAN_REGIONS = ['ca-central-1', 'ca-west-1'] as const;

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`cdk context "${key}": ${message}`);
    this.name = 'ConfigError';
  }
}

type Lookup = (key: string) => unknown;

/** Reads and checks what the foundation stack needs; `lookup` is `(key) => value`. */
export function foundationConfigFromContext(
  lookup: Lookup,
  env: { account?: string } = {},
): FoundationConfig {
  const read = new ContextReader(lookup);
  const region = read.string('region', { default: 'ca-central-1', pattern: /^[a-z]{2}(-[a-z]+)+-\d$/ });
  const availabilityZones = read.list('azs');
  for (const az of availabilityZones ?? []) {
    if (!az.startsWith(region)) throw new ConfigError('azs', `${az} is not in region ${region}`);
  }
  return {
    example: read.boolean('example', false),
    stackPrefix: read.string('stackPrefix', { default: 'Fairdraw', pattern: /^[A-Za-z][A-Za-z0-9-]{0,40}$/ }),
    region,
    account: env.account,
    availabilityZones,
    natGateways: read.optionalInteger('natGateways', 1),
  };
}

/**
 * True once the CloudHSM cluster is named: before that (first deployment, docs/operations.md)
 * only the foundation stack exists, and the cluster is created in its subnets.
 */
export function serviceConfigured(lookup: Lookup): boolean {
  return new ContextReader(lookup).optionalString('hsmClusterId') !== undefined;
}

/** Reads and checks the whole configuration, service stack included. */
export function configFromContext(lookup: Lookup, env: { account?: string } = {}): FairdrawConfig {
  const foundation = foundationConfigFromContext(lookup, env);
  const read = new ContextReader(lookup);
  const region = foundation.region;
  const domainName = read.string('domainName', { pattern: /^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/ });
  const hostedZoneId = read.optionalString('hostedZoneId', /^Z[A-Z0-9]+$/);
  const hostedZoneName = read.optionalString('hostedZoneName');
  if ((hostedZoneId === undefined) !== (hostedZoneName === undefined)) {
    throw new ConfigError('hostedZoneId', 'hostedZoneId and hostedZoneName go together');
  }
  const bootstrap = read.boolean('bootstrap', false);
  const desiredCount = read.integer('desiredCount', { default: 2, min: 2 });
  const maxCount = read.integer('maxCount', { default: 6, min: desiredCount });
  const dbMinCapacity = read.number('dbMinCapacity', { default: 0.5, min: 0.5, max: 256 });
  const dbMaxCapacity = read.number('dbMaxCapacity', {
    default: 16,
    min: Math.max(1, dbMinCapacity),
    max: 256,
  });
  const certificateArn = read.optionalString(
    'certificateArn',
    /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/,
  );
  if (certificateArn !== undefined && certificateArn.split(':')[3] !== region) {
    throw new ConfigError(
      'certificateArn',
      `the certificate must be in ${region}, where the load balancer is`,
    );
  }
  return {
    ...foundation,
    domainName,
    certificateArn,
    hostedZone: hostedZoneId && hostedZoneName ? { id: hostedZoneId, name: hostedZoneName } : undefined,
    hsmClusterId: read.string('hsmClusterId', { pattern: /^cluster-[a-z0-9]+$/ }),
    hsmSecurityGroupId: read.string('hsmSecurityGroupId', { pattern: /^sg-[0-9a-f]{8,17}$/ }),
    pkcs11TokenLabel: read.string('pkcs11TokenLabel', { default: 'hsm1' }),
    imageTag: read.string('imageTag', {
      pattern: /^(sha256:[0-9a-f]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/,
    }),
    certifiedCodeDigest: read.optionalString('certifiedCodeDigest', /^[0-9a-f]{64}$/),
    desiredCount,
    maxCount,
    bootstrap,
    taskCpu: read.integer('taskCpu', { default: 1024, min: 256 }),
    taskMemoryMiB: read.integer('taskMemoryMiB', { default: 2048, min: 512 }),
    dbMinCapacity,
    dbMaxCapacity,
    anchorRetentionDays: read.integer('anchorRetentionDays', { default: 1461, min: 1, max: 36500 }),
    archiveAfterDays: read.integer('archiveAfterDays', { default: 90, min: 1 }),
    anchorLagMinutes: read.integer('anchorLagMinutes', { default: 30, min: 5, max: 1440 }),
    ledgerOrigin: read.string('ledgerOrigin', { default: `${domainName}/ledger`, pattern: /^\S+$/ }),
    logLevel: read.string('logLevel', { default: 'info', pattern: /^(fatal|error|warn|info|debug|trace)$/ }),
    paymentProviders: read.string('paymentProviders', {
      default: 'stripe,cash',
      pattern: /^(stripe|cash)(,(stripe|cash))?$/,
    }),
    geolocation: {
      jwksUrl: read.string('geolocationJwksUrl', { pattern: /^https:\/\/\S+$/ }),
      issuer: read.string('geolocationIssuer', { pattern: /^\S+$/ }),
      audience: read.string('geolocationAudience', { default: 'fairdraw', pattern: /^\S+$/ }),
      certified: read.boolean('geolocationCertified', false),
    },
    wafRateLimit: read.integer('wafRateLimit', { default: 2000, min: 10 }),
    http5xxAlarmPercent: read.number('http5xxAlarmPercent', { default: 2, min: 0.01, max: 100 }),
    alarmEmail: read.optionalString('alarmEmail', /^[^@\s]+@[^@\s]+\.[^@\s]+$/),
    cognitoDomainPrefix: read.optionalString('cognitoDomainPrefix', /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/),
    migrateCommand: read.list('migrateCommand', ' ') ?? ['node', 'dist/src/database/cli/migrate.js'],
  };
}

class ContextReader {
  constructor(private readonly lookup: Lookup) {}

  private raw(key: string): string | undefined {
    const value = this.lookup(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value.trim();
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (Array.isArray(value)) return value.map(String).join(',');
    throw new ConfigError(key, `expected a string, got ${JSON.stringify(value)}`);
  }

  string(key: string, options: { default?: string; pattern?: RegExp } = {}): string {
    const value = this.raw(key) ?? options.default;
    if (value === undefined) throw new ConfigError(key, 'is required (set it in deploy/cdk.json or with -c)');
    if (options.pattern && !options.pattern.test(value)) {
      throw new ConfigError(key, `${JSON.stringify(value)} does not match ${options.pattern}`);
    }
    return value;
  }

  optionalString(key: string, pattern?: RegExp): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (pattern && !pattern.test(value))
      throw new ConfigError(key, `${JSON.stringify(value)} does not match ${pattern}`);
    return value;
  }

  number(key: string, options: { default: number; min?: number; max?: number }): number {
    const text = this.raw(key);
    const value = text === undefined ? options.default : Number(text);
    if (!Number.isFinite(value)) throw new ConfigError(key, `${JSON.stringify(text)} is not a number`);
    if (options.min !== undefined && value < options.min)
      throw new ConfigError(key, `must be at least ${options.min}`);
    if (options.max !== undefined && value > options.max)
      throw new ConfigError(key, `must be at most ${options.max}`);
    return value;
  }

  integer(key: string, options: { default: number; min?: number; max?: number }): number {
    const value = this.number(key, options);
    if (!Number.isInteger(value)) throw new ConfigError(key, `must be a whole number`);
    return value;
  }

  optionalInteger(key: string, min: number): number | undefined {
    if (this.raw(key) === undefined) return undefined;
    return this.integer(key, { default: min, min });
  }

  boolean(key: string, fallback: boolean): boolean {
    const text = this.raw(key);
    if (text === undefined) return fallback;
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw new ConfigError(key, 'must be true or false');
  }

  list(key: string, separator = ','): string[] | undefined {
    const value = this.lookup(key);
    if (Array.isArray(value)) return value.map(String);
    const text = this.raw(key);
    if (text === undefined) return undefined;
    const items = text
      .split(separator)
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
    return items.length > 0 ? items : undefined;
  }
}
