import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// Runs the real CDK entry point the way `cdk synth` does (CDK_CONTEXT_JSON, CDK_OUTDIR), with
// no AWS credentials: proves the offline synthesis, the TypeScript loader, the configuration
// file and the cdk-nag gate of bin/app.ts, which the in-process spec does not go through.
const run = promisify(execFile);
const deployDir = fileURLToPath(new URL('..', import.meta.url));
const cdkJsonContext = JSON.parse(readFileSync(join(deployDir, 'cdk.json'), 'utf8')).context;
const cleanup: string[] = [];
afterAll(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function synth(context: Record<string, unknown>, extraEnv: Record<string, string> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'fairdraw-cdk-'));
  cleanup.push(outdir);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    'AWS_PROFILE',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'CDK_DEFAULT_ACCOUNT',
  ]) {
    delete env[name];
  }
  Object.assign(env, extraEnv, { CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir });
  const result = run('node', ['--import', './ts-loader/register.mjs', 'bin/app.ts'], { cwd: deployDir, env });
  const template = (stack: string) =>
    JSON.parse(readFileSync(join(outdir, `${stack}.template.json`), 'utf8'));
  return { outdir, result, template };
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

describe('bin/app.ts', () => {
  it('synthesises the example offline with cdk-nag passing; bootstrap mode starts no task', async () => {
    const { outdir, result, template } = synth({ ...cdkJsonContext, bootstrap: 'true' });
    const { stderr } = await result;
    expect(stderr).toContain('example configuration');
    const services = Object.values(template('Fairdraw-Service').Resources as Resources).filter(
      (resource) => resource.Type === 'AWS::ECS::Service',
    );
    expect(services.map((service) => service.Properties.DesiredCount)).toEqual([0]);
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((plugin: { violations: unknown[] }) => plugin.violations)).toEqual(
      [],
    );
    expect(template('Fairdraw-Foundation').Resources).toBeDefined();
  });

  it('synthesises only the foundation stack before the CloudHSM cluster exists', async () => {
    const { outdir, result, template } = synth({
      region: 'ca-central-1',
      azs: 'ca-central-1a,ca-central-1b,ca-central-1d',
    });
    const { stderr } = await result;
    expect(stderr).toContain('only the foundation stack');
    expect(
      Object.values(template('Fairdraw-Foundation').Resources as Resources).filter(
        (r) => r.Type === 'AWS::EC2::NatGateway',
      ),
    ).toHaveLength(3);
    expect(existsSync(join(outdir, 'Fairdraw-Service.template.json'))).toBe(false);
  });

  it('refuses the example configuration once an AWS account is in use', async () => {
    const { result } = synth(cdkJsonContext, { CDK_DEFAULT_ACCOUNT: '123456789012' });
    await expect(result).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('example values'),
    });
  });
});
