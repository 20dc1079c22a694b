import pkcs11js, { type PKCS11 } from 'pkcs11js';
import { RngProviderError } from '../random-source.js';
import { describeFailure, hasCode, isCryptokiError } from './pkcs11-errors.js';
import { sameToken, tokenIdentity, type TokenIdentity } from './token-identity.js';

/** Session states from the PKCS#11 2.40 specification (pkcs11js has no constants for them). */
const CKS_RO_USER_FUNCTIONS = 1;
const CKS_RW_USER_FUNCTIONS = 3;

export interface TokenSelector {
  modulePath: string;
  tokenLabel?: string;
  slot?: number;
  pin: string;
}

export interface TokenConnection {
  identity: TokenIdentity;
  /** Open sessions on the token, logged in as CKU_USER. */
  sessions: Buffer[];
}

/** pkcs11js hands slot IDs over as native CK_ULONG bytes (little-endian on x86-64 and arm64). */
export function slotId(handle: Buffer): bigint {
  let id = 0n;
  for (let i = handle.length - 1; i >= 0; i--) id = (id << 8n) | BigInt(handle[i]);
  return id;
}

function describeSelector(selector: TokenSelector): string {
  const parts = [];
  if (selector.tokenLabel !== undefined) parts.push(`labelled '${selector.tokenLabel}'`);
  if (selector.slot !== undefined) parts.push(`in slot ${selector.slot}`);
  return `token ${parts.join(' ')}`;
}

function cryptokiCall<T>(what: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new RngProviderError(
      'pkcs11',
      'device-fault',
      `PKCS#11 ${what} failed: ${describeFailure(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** Slot numbers change between runs (SoftHSM) so the label is the stable way to find a token. */
function findSlot(api: PKCS11, selector: TokenSelector): Buffer {
  const slots = cryptokiCall('C_GetSlotList', () => api.C_GetSlotList(true));
  const matches = slots.filter((slot) => {
    if (selector.slot !== undefined && slotId(slot) !== BigInt(selector.slot)) return false;
    if (selector.tokenLabel === undefined) return true;
    try {
      return tokenIdentity(api.C_GetTokenInfo(slot), api.C_GetInfo()).label === selector.tokenLabel;
    } catch {
      return false; // a token that cannot describe itself is not the one we want
    }
  });
  if (matches.length === 0) {
    throw new RngProviderError(
      'pkcs11',
      'token-not-found',
      `no ${describeSelector(selector)} among the ${slots.length} slot(s) with a token in ${selector.modulePath}`,
    );
  }
  if (matches.length > 1) {
    throw new RngProviderError(
      'pkcs11',
      'token-ambiguous',
      `${matches.length} slots hold a ${describeSelector(selector)}; configure the slot as well`,
    );
  }
  return matches[0];
}

function loginFailure(selector: TokenSelector, error: unknown): RngProviderError {
  const wrongPin = [pkcs11js.CKR_PIN_INCORRECT, pkcs11js.CKR_PIN_INVALID, pkcs11js.CKR_PIN_LEN_RANGE].some(
    (code) => hasCode(error, code),
  );
  const hint = wrongPin ? " (check the PIN; CloudHSM expects '<crypto user name>:<password>')" : '';
  return new RngProviderError(
    'pkcs11',
    'login-failed',
    `PKCS#11 login as CKU_USER to the ${describeSelector(selector)} failed: ${describeFailure(error)}${hint}`,
    { cause: error },
  );
}

function logIn(api: PKCS11, sessions: Buffer[], selector: TokenSelector): void {
  try {
    api.C_Login(sessions[0], pkcs11js.CKU_USER, selector.pin);
  } catch (error) {
    // Login state is per application and token: another source in this process may have done it.
    if (!hasCode(error, pkcs11js.CKR_USER_ALREADY_LOGGED_IN)) throw loginFailure(selector, error);
  }
  for (const session of sessions) {
    const { state } = cryptokiCall('C_GetSessionInfo', () => api.C_GetSessionInfo(session));
    if (state !== CKS_RO_USER_FUNCTIONS && state !== CKS_RW_USER_FUNCTIONS) {
      throw new RngProviderError(
        'pkcs11',
        'login-failed',
        `a session on the ${describeSelector(selector)} is not logged in as CKU_USER (state ${state})`,
      );
    }
  }
}

/**
 * Finds the token, checks it is the device seen before (`expected`), opens `poolSize`
 * sessions and logs in. On any failure the sessions opened so far are closed again.
 */
export function connectToken(
  api: PKCS11,
  selector: TokenSelector,
  poolSize: number,
  expected: TokenIdentity | undefined,
): TokenConnection {
  const slot = findSlot(api, selector);
  const identity = cryptokiCall('C_GetTokenInfo', () =>
    tokenIdentity(api.C_GetTokenInfo(slot), api.C_GetInfo()),
  );
  if (expected !== undefined && !sameToken(expected, identity)) {
    throw new RngProviderError(
      'pkcs11',
      'token-changed',
      `the ${describeSelector(selector)} is now serial ${identity.serial} (${identity.manufacturer} ${identity.model}), ` +
        `not serial ${expected.serial} as when the source was opened; refusing to draw from another device`,
    );
  }
  const sessions: Buffer[] = [];
  try {
    for (let i = 0; i < poolSize; i++) {
      try {
        sessions.push(api.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION));
      } catch (error) {
        throw new RngProviderError(
          'pkcs11',
          'session-open-failed',
          `could not open session ${i + 1} of ${poolSize} on the ${describeSelector(selector)}: ${describeFailure(error)}`,
          { cause: error },
        );
      }
    }
    logIn(api, sessions, selector);
    return { identity, sessions };
  } catch (error) {
    for (const session of sessions) {
      try {
        api.C_CloseSession(session);
      } catch (closeError) {
        if (!isCryptokiError(closeError)) throw closeError;
      }
    }
    throw error;
  }
}
