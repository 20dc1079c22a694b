import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './support/moto.js';

/** These tests run the built service as a real process, as `npm start` does. */
beforeAll(() => {
  execFileSync('node', ['scripts/ensure-built.mjs'], { stdio: 'inherit' });
}, 180_000);

function runMain(env: NodeJS.ProcessEnv, untilOutput?: RegExp) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => {
      const child = spawn('node', ['dist/src/main.js'], {
        env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (untilOutput?.test(stdout)) child.kill('SIGTERM');
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // 'close' (after 'exit' and the end of stdout and stderr): what the process wrote is all read.
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    },
  );
}

describe('the built service', () => {
  it.each([
    [{ PORT: 'eighty' }, /^Configuration error: PORT: /m],
    [{ DATABASE_URL: 'mysql://localhost/db' }, /^Configuration error: DATABASE_URL: /m],
    [{ AUTH_JWKS_URL: 'https://issuer.example/jwks.json' }, /^Configuration error: AUTH_ISSUER /m],
  ])('stops at start with one message naming the bad variable (%j)', async (env, message) => {
    const { code, stderr } = await runMain(env);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('starts on the embedded default, says where Swagger UI is, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-start-'));
    try {
      const port = await freePort();
      const { code, signal, stdout } = await runMain({ DATA_DIR: dataDir, PORT: String(port) }, /Swagger UI/);
      expect(stdout).toContain(`Swagger UI: http://localhost:${port}/docs`);
      // Nest closes the app, then re-raises the signal so the process ends as signalled.
      expect(code === 0 || signal === 'SIGTERM').toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
