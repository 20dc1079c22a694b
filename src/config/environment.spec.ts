import { ConfigError, loadEnvironment } from './environment.js';

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
  ])('refuses %j naming %s', (env, variable) => {
    const error = configErrorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}`)).toBe(true);
  });
});
