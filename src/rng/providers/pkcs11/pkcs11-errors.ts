import pkcs11js from 'pkcs11js';

/** A Cryptoki error as pkcs11js throws it: `message` is the CKR_ name, `code` the CK_RV. */
export interface CryptokiError extends Error {
  code: number;
  method?: string;
}

export function isCryptokiError(error: unknown): error is CryptokiError {
  return (
    error instanceof Error &&
    error.name === 'Pkcs11Error' &&
    typeof (error as Partial<CryptokiError>).code === 'number'
  );
}

/** 'CKR_PIN_INCORRECT', or the error's own message for a non-Cryptoki failure. */
export function describeFailure(error: unknown): string {
  if (isCryptokiError(error)) return `${error.method ? `${error.method}: ` : ''}${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Faults after which the session, the login or the whole library is gone but the token may
 * still be there: close everything, re-initialise, log in again and retry once.
 */
const RECOVERABLE = new Set<number>([
  pkcs11js.CKR_SESSION_HANDLE_INVALID,
  pkcs11js.CKR_SESSION_CLOSED,
  pkcs11js.CKR_DEVICE_REMOVED,
  pkcs11js.CKR_DEVICE_ERROR,
  pkcs11js.CKR_TOKEN_NOT_PRESENT,
  pkcs11js.CKR_TOKEN_NOT_RECOGNIZED,
  pkcs11js.CKR_USER_NOT_LOGGED_IN,
  pkcs11js.CKR_CRYPTOKI_NOT_INITIALIZED,
  pkcs11js.CKR_SLOT_ID_INVALID,
]);

export function isRecoverable(error: unknown): boolean {
  return isCryptokiError(error) && RECOVERABLE.has(error.code);
}

export function hasCode(error: unknown, code: number): boolean {
  return isCryptokiError(error) && error.code === code;
}
