import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, configFromContext, foundationConfigFromContext, serviceConfigured } from './config.js';
import { contextLookup, readConfigFile } from './config-file.js';

const deployDir = fileURLToPath(new URL('..', import.meta.url));
const real = {
  domainName: 'raffle.hospital-lottery.ca',
  hsmClusterId: 'cluster-jxhlf7644ne',
  hsmSecurityGroupId: 'sg-0a1b2c3d4e5f60718',
  imageTag: `sha256:${'ab'.repeat(32)}`,
  geolocationJwksUrl: 'https://geo.provider.example/.well-known/jwks.json',
  geolocationIssuer: 'https://geo.provider.example',
};
const read = (context: Record<string, unknown>) => configFromContext((key) => context[key]);
const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('configFromContext', () => {
  it('defaults to ca-central-1, two tasks, four years of Object Lock and the CloudHSM token label', () => {
    expect(read(real)).toMatchObject({
      example: false,
      region: 'ca-central-1',
      stackPrefix: 'Fairdraw',
      desiredCount: 2,
      maxCount: 6,
      bootstrap: false,
      anchorRetentionDays: 1461,
      anchorLagMinutes: 30,
      pkcs11TokenLabel: 'hsm1',
      ledgerOrigin: 'raffle.hospital-lottery.ca/ledger',
      migrateCommand: ['node', 'dist/src/database/cli/migrate.js'],
      paymentProviders: 'stripe,cash',
      geolocation: {
        jwksUrl: 'https://geo.provider.example/.well-known/jwks.json',
        issuer: 'https://geo.provider.example',
        audience: 'fairdraw',
        certified: false,
      },
    });
  });

  it('reads the strings the CLI passes with -c', () => {
    expect(
      read({
        ...real,
        region: 'ca-west-1',
        azs: 'ca-west-1a, ca-west-1b',
        desiredCount: '3',
        maxCount: '9',
        bootstrap: 'true',
        dbMaxCapacity: '32',
        migrateCommand: 'node dist/src/cli/migrate.js --all',
      }),
    ).toMatchObject({
      region: 'ca-west-1',
      availabilityZones: ['ca-west-1a', 'ca-west-1b'],
      desiredCount: 3,
      maxCount: 9,
      bootstrap: true,
      dbMaxCapacity: 32,
      migrateCommand: ['node', 'dist/src/cli/migrate.js', '--all'],
    });
  });

  it('names the key of each wrong value', () => {
    const keyOf = (context: Record<string, unknown>) => failure(() => read(context)).key;
    expect(keyOf({ ...real, desiredCount: '1' })).toBe('desiredCount');
    expect(keyOf({ ...real, hsmClusterId: 'my-cluster' })).toBe('hsmClusterId');
    expect(keyOf({ ...real, hsmSecurityGroupId: 'sg-xyz' })).toBe('hsmSecurityGroupId');
    expect(keyOf({ ...real, azs: 'us-east-1a' })).toBe('azs');
    expect(keyOf({ ...real, bootstrap: 'yes' })).toBe('bootstrap');
    expect(keyOf({ ...real, hostedZoneId: 'Z123ABC' })).toBe('hostedZoneId');
    expect(keyOf({ ...real, anchorRetentionDays: '0' })).toBe('anchorRetentionDays');
    expect(keyOf({ ...real, paymentProviders: 'stripe,test' })).toBe('paymentProviders');
    expect(keyOf({ ...real, geolocationJwksUrl: 'http://geo.provider.example/jwks' })).toBe(
      'geolocationJwksUrl',
    );
    expect(keyOf({ ...real, geolocationCertified: 'maybe' })).toBe('geolocationCertified');
    const { geolocationIssuer: _issuer, ...noIssuer } = real;
    expect(failure(() => read(noIssuer)).message).toMatch(/"geolocationIssuer": is required/);
    const { imageTag: _imageTag, ...noImage } = real;
    expect(failure(() => read(noImage)).message).toMatch(/"imageTag": is required/);
  });

  it('refuses a certificate from another region than the load balancer', () => {
    const other = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab';
    expect(failure(() => read({ ...real, certificateArn: other })).key).toBe('certificateArn');
    const local = 'arn:aws:acm:ca-central-1:123456789012:certificate/0f1e2d3c-aaaa';
    expect(read({ ...real, certificateArn: local }).certificateArn).toBe(local);
  });

  it('needs only the network settings before the CloudHSM cluster exists', () => {
    const phase1 = { region: 'ca-central-1', azs: ['ca-central-1a', 'ca-central-1b', 'ca-central-1d'] };
    expect(serviceConfigured((key) => (phase1 as Record<string, unknown>)[key])).toBe(false);
    expect(foundationConfigFromContext((key) => (phase1 as Record<string, unknown>)[key])).toEqual({
      example: false,
      stackPrefix: 'Fairdraw',
      region: 'ca-central-1',
      account: undefined,
      availabilityZones: ['ca-central-1a', 'ca-central-1b', 'ca-central-1d'],
      natGateways: undefined,
    });
    expect(serviceConfigured((key) => (real as Record<string, unknown>)[key])).toBe(true);
  });
});

describe('configuration files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairdraw-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('marks the shipped example as an example, in ca-central-1', () => {
    const lookup = contextLookup(
      (key) => (key === 'config' ? 'config/example.ca-central-1.json' : undefined),
      deployDir,
    );
    const config = configFromContext(lookup);
    expect(config).toMatchObject({
      example: true,
      region: 'ca-central-1',
      hsmClusterId: 'cluster-example0000',
    });
  });

  it('lets -c values override the file', () => {
    writeFileSync(join(dir, 'prod.json'), JSON.stringify({ ...real, desiredCount: 4 }));
    const context: Record<string, unknown> = { config: 'prod.json', desiredCount: '3' };
    const config = configFromContext(contextLookup((key) => context[key], dir));
    expect(config.desiredCount).toBe(3);
    expect(config.hsmClusterId).toBe(real.hsmClusterId);
  });

  it('names the file when it is missing or not a JSON object', () => {
    writeFileSync(join(dir, 'list.json'), '[1, 2]');
    expect(failure(() => readConfigFile('missing.json', dir)).message).toMatch(/cannot read .*missing\.json/);
    expect(failure(() => readConfigFile('list.json', dir)).message).toMatch(/must hold a JSON object/);
    expect(readConfigFile(undefined, dir)).toEqual({});
  });
});
