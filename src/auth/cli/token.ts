import { parseArgs } from 'node:util';
import { ConfigError, loadEnvironment } from '../../config/environment.js';
import { LocalSigningKey } from '../local-signing-key.js';
import { isRole, ROLES, type Role } from '../roles.js';

const USAGE = `usage: npm run token -- --role <${ROLES.join('|')}> [--role ...] --sub <user> [--ttl <seconds>]`;

/** Prints a development token signed with the local key in DATA_DIR (never used with a JWKS issuer). */
export async function issueToken(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string', multiple: true },
      sub: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
    },
    strict: true,
  });
  const roles = values.role ?? [];
  if (roles.length === 0 || !values.sub) throw new UsageError(USAGE);
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0)
    throw new UsageError(`unknown role ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`);
  const ttlSeconds = Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 7 * 86_400) {
    throw new UsageError('--ttl must be a whole number of seconds from 1 to 604800');
  }
  const config = loadEnvironment(env);
  if (config.AUTH_JWKS_URL) {
    throw new UsageError(
      'AUTH_JWKS_URL is set: tokens come from your identity provider, not from this command',
    );
  }
  const key = await LocalSigningKey.loadOrCreate(config.DATA_DIR);
  return key.issue({ sub: values.sub, roles: roles as Role[], ttlSeconds });
}

export class UsageError extends Error {}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '');
if (invokedDirectly) {
  issueToken(process.argv.slice(2)).then(
    (token) => console.log(token),
    (error: unknown) => {
      const known = error instanceof UsageError || error instanceof ConfigError || error instanceof TypeError;
      console.error(known ? (error as Error).message : error);
      process.exit(2);
    },
  );
}
