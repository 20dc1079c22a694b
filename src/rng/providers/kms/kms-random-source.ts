import { GenerateRandomCommand, KMSClient } from '@aws-sdk/client-kms';
import { assertByteCount } from '../byte-count.js';
import { assertOpen, type LifecycleState } from '../lifecycle.js';
import { RngProviderError, type RandomSource } from '../random-source.js';
import { kmsFailure } from './kms-failure.js';

/** KMS refuses NumberOfBytes above 1024 (ValidationException), so larger requests are split. */
export const KMS_MAX_BYTES_PER_CALL = 1024;

export interface KmsRandomSourceOptions {
  region: string;
  /** Only for stand-ins such as moto_server or a VPC endpoint URL; omit for the regional endpoint. */
  endpoint?: string;
  /** Generate inside the CloudHSM cluster of this custom key store instead of KMS's own HSMs. */
  customKeyStoreId?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * KMS generates random bytes in its FIPS 140-validated HSMs (or the CloudHSM cluster of
   * `customKeyStoreId`), so this defaults to true. Set it to false for a stand-in such as
   * moto_server, whose bytes come from an ordinary CSPRNG.
   */
  certified?: boolean;
  /** Deadline for one GenerateRandom call, retries included. Default 5000 ms. */
  timeoutMs?: number;
  /** SDK attempts per call (throttling and network retries). Default 3. */
  maxAttempts?: number;
  /** GenerateRandom calls in flight for one large request. Default 4. */
  concurrency?: number;
}

/** AWS KMS GenerateRandom as a random source. */
export class KmsRandomSource implements RandomSource {
  readonly provider = 'kms' as const;
  readonly certified: boolean;
  readonly identity: string;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly where: string;
  private client: KMSClient | undefined;
  private state: LifecycleState = 'new';

  constructor(private readonly options: KmsRandomSourceOptions) {
    this.certified = options.certified ?? true;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    const store = options.customKeyStoreId ?? 'default';
    this.identity = `kms:${options.region}/${store}${options.endpoint ? `@${options.endpoint}` : ''}`;
    this.where = options.endpoint ?? `the ${options.region} regional endpoint`;
  }

  /** Creates the client and makes one small call, so a wrong endpoint or credentials fail at start-up. */
  async open(): Promise<void> {
    if (this.state === 'closed') assertOpen(this.provider, this.state);
    if (this.state === 'open') return;
    this.client = new KMSClient({
      region: this.options.region,
      endpoint: this.options.endpoint,
      credentials: this.options.credentials,
      maxAttempts: this.options.maxAttempts ?? 3,
      requestHandler: { connectionTimeout: this.timeoutMs },
    });
    try {
      await this.call(1);
    } catch (error) {
      this.client.destroy();
      this.client = undefined;
      throw error;
    }
    this.state = 'open';
  }

  async generate(bytes: number): Promise<Buffer> {
    assertByteCount(this.provider, bytes);
    assertOpen(this.provider, this.state);
    const sizes: number[] = [];
    for (let left = bytes; left > 0; left -= KMS_MAX_BYTES_PER_CALL)
      sizes.push(Math.min(left, KMS_MAX_BYTES_PER_CALL));
    const parts: Buffer[] = new Array(sizes.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < sizes.length) {
        const index = next++;
        parts[index] = await this.call(sizes[index]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, sizes.length) }, worker));
    return Buffer.concat(parts, bytes);
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.client?.destroy();
    this.client = undefined;
  }

  private async call(numberOfBytes: number): Promise<Buffer> {
    const client = this.client;
    if (client === undefined)
      throw new RngProviderError('kms', 'closed', 'kms: the random source was closed');
    const deadline = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      deadline.abort();
    }, this.timeoutMs);
    try {
      const command = new GenerateRandomCommand({
        NumberOfBytes: numberOfBytes,
        CustomKeyStoreId: this.options.customKeyStoreId,
      });
      const { Plaintext } = await client.send(command, { abortSignal: deadline.signal });
      if (Plaintext === undefined || Plaintext.length !== numberOfBytes) {
        throw new RngProviderError(
          'kms',
          'bad-response',
          `KMS at ${this.where} returned ${Plaintext?.length ?? 'no'} bytes for a request of ${numberOfBytes}`,
        );
      }
      return Buffer.from(Plaintext.buffer, Plaintext.byteOffset, Plaintext.length);
    } catch (error) {
      if (error instanceof RngProviderError) throw error;
      throw kmsFailure(error, this.where, timedOut, this.timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }
}
