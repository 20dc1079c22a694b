export type RngProviderName = 'pkcs11' | 'kms' | 'os';

export interface RandomSourceInfo {
  provider: RngProviderName;
  /** True only for a source whose generator is certified (an HSM); the OS CSPRNG never is. */
  certified: boolean;
  /**
   * Which generator produced the bytes, recorded with every draw, e.g.
   * 'pkcs11:token=fairdraw;manufacturer=SoftHSM%20project;…;serial=…' (RFC 7512 URI),
   * 'kms:us-east-1/default' or 'os:node-crypto'.
   */
  identity: string;
}

export interface RandomSource extends RandomSourceInfo {
  /** Connects and logs in; throws RngProviderError with a clear message. */
  open(): Promise<void>;
  /** Raw provider bytes, exactly `bytes` long. No health tests here: the RNG module adds them. */
  generate(bytes: number): Promise<Buffer>;
  close(): Promise<void>;
}

/**
 * Every failure of a provider. There is deliberately no fallback to another source: a draw
 * that cannot get certified bytes must stop (GLI-31 RNG-8, RNG-10), so callers see this error.
 */
export class RngProviderError extends Error {
  constructor(
    readonly provider: RngProviderName,
    /** Short machine-readable cause, e.g. 'login-failed', 'module-not-found', 'timeout'. */
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RngProviderError';
  }
}
