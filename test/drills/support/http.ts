/** One HTTP exchange with the service, or the network failure that stopped it. */
export type Exchange =
  { ok: true; status: number; headers: Headers; body: unknown; text: string } | { ok: false; error: string };

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * A request that never throws: a refused connection, a reset or a timeout (the service was
 * killed mid-request) is an outcome the drills must handle, not an exception.
 */
export async function call(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Exchange> {
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let body: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text: a truncated answer from a dying process
      }
    }
    return { ok: true, status: response.status, headers: response.headers, body, text };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, error: cause ?? (error as Error).name ?? String(error) };
  }
}

/** The same as `call`, but a network failure or an unexpected status throws (setup steps). */
export async function expectStatus<T = Record<string, unknown>>(
  expected: number,
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<T> {
  const exchange = await call(base, method, path, options);
  if (!exchange.ok) throw new Error(`${method} ${path}: ${exchange.error}`);
  if (exchange.status !== expected)
    throw new Error(
      `${method} ${path}: ${exchange.status} (expected ${expected}): ${exchange.text.slice(0, 500)}`,
    );
  return exchange.body as T;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
