import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SHARE_ENV, Worker } from 'node:worker_threads';

const run = promisify(execFile);

export const SOFTHSM_MODULE_PATH = '/usr/lib/softhsm/libsofthsm2.so';
const INSTALL_HINT = 'install it with `apt-get install -y softhsm2`';

/** A private SoftHSM2 token store in a temporary folder, with one initialised token. */
export interface SoftHsm {
  modulePath: string;
  tokenLabel: string;
  pin: string;
  soPin: string;
  confPath: string;
  dir: string;
  /** Initialises one more token in the same store (e.g. to prove the slot is found by label). */
  addToken(label: string, pin?: string, soPin?: string): Promise<void>;
  /** Deletes a token's files, as `softhsm2-util --delete-token` does. */
  deleteToken(label: string): Promise<void>;
  /** Removes the folder and restores SOFTHSM2_CONF. */
  cleanup(): Promise<void>;
}

export interface SoftHsmOptions {
  tokenLabel?: string;
  pin?: string;
  soPin?: string;
  /** Where the SoftHSM2 module is; Debian's package puts it at SOFTHSM_MODULE_PATH. */
  modulePath?: string;
  /** The softhsm2-util executable, found on PATH by default. */
  utilPath?: string;
}

/**
 * SoftHSM reads SOFTHSM2_CONF with getenv() inside every C_Initialize, not when the module is
 * loaded, so the variable only has to be set before the first C_Initialize (and kept while the
 * provider may re-initialise). Under jest, `process.env` is a per-test-file copy that never
 * reaches the C environment; a worker thread sharing the real environment (SHARE_ENV) writes
 * it there, which works the same outside jest.
 */
async function setRealEnv(name: string, value: string | undefined): Promise<void> {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  const source = `const { workerData } = require('node:worker_threads');
    if (workerData.value === null) delete process.env[workerData.name];
    else process.env[workerData.name] = workerData.value;`;
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(source, {
      eval: true,
      env: SHARE_ENV,
      workerData: { name, value: value ?? null },
    });
    worker.once('error', reject);
    worker.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`env worker exited with ${code}`)),
    );
  });
}

async function softhsmUtil(utilPath: string, confPath: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(utilPath, args, { env: { ...process.env, SOFTHSM2_CONF: confPath } });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
    if (e.code === 'ENOENT') throw new Error(`${utilPath} is not installed: ${INSTALL_HINT}`);
    throw new Error(`softhsm2-util ${args[0]} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

let active: string | undefined;

/**
 * Creates a temporary SoftHSM2 store with its own softhsm2.conf, points SOFTHSM2_CONF at it and
 * initialises one token. Fails loudly (never skips) when SoftHSM2 is not installed. One store
 * per process at a time, because SoftHSM has one configuration per process.
 */
export async function createSoftHsm(options: SoftHsmOptions = {}): Promise<SoftHsm> {
  const modulePath = options.modulePath ?? SOFTHSM_MODULE_PATH;
  const utilPath = options.utilPath ?? 'softhsm2-util';
  if (!existsSync(modulePath)) {
    throw new Error(`SoftHSM2 PKCS#11 module not found at ${modulePath}: ${INSTALL_HINT}`);
  }
  if (active !== undefined)
    throw new Error(`a SoftHSM store is already active (${active}); clean it up first`);
  const dir = await mkdtemp(join(tmpdir(), 'fairdraw-softhsm-'));
  active = dir;
  const previousConf = process.env.SOFTHSM2_CONF;
  const confPath = join(dir, 'softhsm2.conf');
  try {
    await mkdir(join(dir, 'tokens'));
    await writeFile(
      confPath,
      [
        `directories.tokendir = ${join(dir, 'tokens')}`,
        'objectstore.backend = file',
        'log.level = ERROR',
        '',
      ].join('\n'),
    );
    await setRealEnv('SOFTHSM2_CONF', confPath);
    const tokenLabel = options.tokenLabel ?? 'fairdraw-test';
    const pin = options.pin ?? '123456';
    const soPin = options.soPin ?? '12345678';
    const addToken = async (label: string, userPin = pin, securityOfficerPin = soPin): Promise<void> => {
      await softhsmUtil(utilPath, confPath, [
        '--init-token',
        '--free',
        '--label',
        label,
        '--pin',
        userPin,
        '--so-pin',
        securityOfficerPin,
      ]);
    };
    await addToken(tokenLabel);
    return {
      modulePath,
      tokenLabel,
      pin,
      soPin,
      confPath,
      dir,
      addToken,
      deleteToken: async (label) => {
        await softhsmUtil(utilPath, confPath, ['--delete-token', '--token', label]);
      },
      cleanup: async () => {
        await rm(dir, { recursive: true, force: true });
        if (active === dir) {
          active = undefined;
          await setRealEnv('SOFTHSM2_CONF', previousConf);
        }
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    active = undefined;
    await setRealEnv('SOFTHSM2_CONF', previousConf);
    throw error;
  }
}
