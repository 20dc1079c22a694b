import { existsSync } from 'node:fs';
import pkcs11js, { type PKCS11 } from 'pkcs11js';
import { RngProviderError } from '../random-source.js';
import { describeFailure, hasCode } from './pkcs11-errors.js';

interface LoadedModule {
  api: PKCS11;
  users: number;
  initialised: boolean;
  /** Bumped by every re-initialisation, so two holders that see the same fault re-initialise once. */
  generation: number;
}

/**
 * Cryptoki is initialised once per process per module: a second C_Initialize fails, and one
 * C_Finalize ends every session of every user in the process. So all sources on one module
 * share one handle here, and the last to release it finalises. The module stays loaded
 * (no dlclose) for the life of the process, because unloading some modules is unsafe.
 */
const modules = new Map<string, LoadedModule>();

function initialise(module: LoadedModule, modulePath: string): void {
  try {
    module.api.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch (error) {
    // Someone else in this process initialised it; it is usable as it is.
    if (!hasCode(error, pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED)) {
      throw new RngProviderError(
        'pkcs11',
        'initialize-failed',
        `PKCS#11 C_Initialize of ${modulePath} failed: ${describeFailure(error)}`,
        { cause: error },
      );
    }
  }
  module.initialised = true;
}

function finalise(module: LoadedModule): void {
  module.initialised = false;
  try {
    module.api.C_Finalize();
  } catch {
    // Already finalised (e.g. by the fault we are recovering from): nothing to undo.
  }
}

function load(modulePath: string): LoadedModule {
  if (!existsSync(modulePath)) {
    throw new RngProviderError(
      'pkcs11',
      'module-not-found',
      `PKCS#11 module not found at ${modulePath} (CloudHSM: /opt/cloudhsm/lib/libcloudhsm_pkcs11.so, SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)`,
    );
  }
  const api = new pkcs11js.PKCS11();
  try {
    api.load(modulePath);
  } catch (error) {
    throw new RngProviderError(
      'pkcs11',
      'module-load-failed',
      `${modulePath} could not be loaded as a PKCS#11 module: ${describeFailure(error)}`,
      { cause: error },
    );
  }
  return { api, users: 0, initialised: false, generation: 0 };
}

/** One holder's share of a loaded, initialised PKCS#11 module. */
export class CryptokiLibrary {
  private released = false;

  private constructor(
    readonly modulePath: string,
    private readonly module: LoadedModule,
  ) {}

  static acquire(modulePath: string): CryptokiLibrary {
    const module = modules.get(modulePath) ?? load(modulePath);
    modules.set(modulePath, module);
    if (!module.initialised) initialise(module, modulePath);
    module.users++;
    return new CryptokiLibrary(modulePath, module);
  }

  get api(): PKCS11 {
    return this.module.api;
  }

  get generation(): number {
    return this.module.generation;
  }

  /** Finalises and initialises again, unless another holder already did since `seenGeneration`. */
  reinitialise(seenGeneration: number): void {
    if (this.module.generation === seenGeneration) {
      finalise(this.module);
      this.module.generation++;
    }
    if (!this.module.initialised) initialise(this.module, this.modulePath);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.module.users--;
    if (this.module.users === 0 && this.module.initialised) finalise(this.module);
  }
}
