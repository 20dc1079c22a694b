import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import pkcs11js from 'pkcs11js';
import { createSoftHsm } from './softhsm.js';

function tokenLabels(modulePath: string): string[] {
  const api = new pkcs11js.PKCS11();
  api.load(modulePath);
  api.C_Initialize();
  try {
    return api.C_GetSlotList(true).map((slot) => api.C_GetTokenInfo(slot).label.trim());
  } finally {
    api.C_Finalize();
  }
}

it('creates a private token store that the real SoftHSM2 module reads through SOFTHSM2_CONF', async () => {
  const hsm = await createSoftHsm({ tokenLabel: 'support-a', pin: '4321', soPin: '87654321' });
  try {
    expect(readFileSync(hsm.confPath, 'utf8')).toContain(`directories.tokendir = ${hsm.dir}/tokens`);
    // A child process inherits the real C environment, not jest's copy of process.env.
    expect(execFileSync('sh', ['-c', 'printf %s "$SOFTHSM2_CONF"']).toString()).toBe(hsm.confPath);
    await hsm.addToken('support-b');
    expect(tokenLabels(hsm.modulePath)).toEqual(expect.arrayContaining(['support-a', 'support-b']));
    await hsm.deleteToken('support-b');
    expect(tokenLabels(hsm.modulePath)).not.toContain('support-b');
    await expect(createSoftHsm()).rejects.toThrow(/already active/);
  } finally {
    await hsm.cleanup();
  }
  expect(existsSync(hsm.dir)).toBe(false);
  expect(execFileSync('sh', ['-c', 'printf %s "$SOFTHSM2_CONF"']).toString()).not.toBe(hsm.confPath);
});

it('fails loudly, never skips, when the SoftHSM2 module or softhsm2-util is missing', async () => {
  await expect(createSoftHsm({ modulePath: '/nonexistent/libsofthsm2.so' })).rejects.toThrow(
    /module not found at \/nonexistent\/libsofthsm2\.so: install it with `apt-get install -y softhsm2`/,
  );
  await expect(createSoftHsm({ utilPath: 'softhsm2-util-missing' })).rejects.toThrow(
    /softhsm2-util-missing is not installed: install it with/,
  );
  // The failed attempt left nothing active behind.
  const hsm = await createSoftHsm();
  await hsm.cleanup();
});
