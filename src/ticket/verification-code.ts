import { createHmac, randomBytes } from 'node:crypto';

/**
 * Validation numbers (TKT-7): 15 symbols of Crockford base 32 (75 random bits, far beyond
 * guessing at any rate limit) and one Luhn mod 32 check symbol that catches every single-symbol
 * typo and most swaps, printed as XXXX-XXXX-XXXX-XXXX.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DATA_SYMBOLS = 15;
const VALUE: Record<string, number> = Object.fromEntries([...ALPHABET].map((c, i) => [c, i]));
const FORMAT = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

export function newVerificationCode(): string {
  return codeFromBytes(randomBytes(10));
}

/** Many codes from one call to the CSPRNG (the sales batch issues dozens at a time). */
export function newVerificationCodes(count: number): string[] {
  const bytes = randomBytes(10 * count);
  return Array.from({ length: count }, (_, i) => codeFromBytes(bytes.subarray(10 * i, 10 * i + 10)));
}

/**
 * The code a seller device prints offline for the sale of [first, last] from a reserved block:
 * an HMAC under the block's key, so the service recomputes and checks it when the sale is uploaded.
 */
export function offlineVerificationCode(
  blockKey: Buffer,
  raffleId: string,
  first: number,
  last: number,
): string {
  const mac = createHmac('sha256', blockKey).update(`${raffleId}:${first}:${last}`).digest();
  return codeFromBytes(mac.subarray(0, 10));
}

/** Formats the first 75 bits of `bytes` (at least 10 bytes) as a code with its check symbol. */
export function codeFromBytes(bytes: Uint8Array): string {
  if (bytes.length < 10) throw new RangeError('a verification code needs 10 bytes');
  let bits = 0n;
  for (let i = 0; i < 10; i++) bits = (bits << 8n) | BigInt(bytes[i]);
  bits >>= 5n;
  const values: number[] = [];
  for (let i = DATA_SYMBOLS - 1; i >= 0; i--)
    values[i] = Number((bits >> BigInt(5 * (DATA_SYMBOLS - 1 - i))) & 31n);
  values.push(luhnCheck(values));
  const text = values.map((v) => ALPHABET[v]).join('');
  return `${text.slice(0, 4)}-${text.slice(4, 8)}-${text.slice(8, 12)}-${text.slice(12)}`;
}

/**
 * The canonical form of what a person typed (case, spaces and dashes ignored; I and L read as 1,
 * O as 0), or undefined when it is not a well-formed code with a correct check symbol.
 */
export function normalizeVerificationCode(input: string): string | undefined {
  const text = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (text.length !== DATA_SYMBOLS + 1 || [...text].some((c) => VALUE[c] === undefined)) return undefined;
  const values = [...text].map((c) => VALUE[c]);
  if (luhnCheck(values.slice(0, DATA_SYMBOLS)) !== values[DATA_SYMBOLS]) return undefined;
  const code = `${text.slice(0, 4)}-${text.slice(4, 8)}-${text.slice(8, 12)}-${text.slice(12)}`;
  return FORMAT.test(code) ? code : undefined;
}

/** Luhn mod N (N = 32): the symbol that makes the weighted sum of the whole code divisible by 32. */
function luhnCheck(values: number[]): number {
  let factor = 2;
  let sum = 0;
  for (let i = values.length - 1; i >= 0; i--) {
    const addend = factor * values[i];
    sum += Math.floor(addend / 32) + (addend % 32);
    factor = factor === 2 ? 1 : 2;
  }
  return (32 - (sum % 32)) % 32;
}
