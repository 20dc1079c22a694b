import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/** The service's security headers policy (helmet's defaults plus a strict CSP that Swagger UI can live with). */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
      // TLS ends at the load balancer; a plain-HTTP development server must still load its own assets.
      upgradeInsecureRequests: null,
    },
  },
};

/**
 * The headers helmet sets for `options`, computed once. With no per-request nonces every header is
 * a constant, yet `@fastify/helmet` rebuilt helmet (CSP parsing included) on every request: about
 * 5 % of the CPU of a ticket sale. Helmet itself still decides the headers and their values.
 */
export function securityHeaders(options: Readonly<HelmetOptions> = HELMET_OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let done: { error?: unknown } | undefined;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    done = { error };
  });
  // Helmet's middleware is synchronous; anything else means its API changed under us.
  if (!done || Object.keys(headers).length === 0) throw new Error('helmet did not set its headers at once');
  if (done.error) throw done.error instanceof Error ? done.error : new Error(String(done.error));
  return headers;
}
