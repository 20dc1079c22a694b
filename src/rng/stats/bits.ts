/**
 * A bit sequence as SP 800-22 sees it: one element per bit, each 0 or 1, in order. One byte per
 * bit costs 10 MB for 10^7 bits and keeps every test a plain indexed loop.
 */
export type Bits = Uint8Array;

/** Bits of `bytes`, most significant bit of each byte first (as the NIST STS reads binary files). */
export function bitsFromBytes(bytes: Uint8Array, bitCount = bytes.length * 8): Bits {
  if (!Number.isSafeInteger(bitCount) || bitCount < 0 || bitCount > bytes.length * 8) {
    throw new RangeError(`cannot take ${bitCount} bits from ${bytes.length} bytes`);
  }
  const bits = new Uint8Array(bitCount);
  for (let i = 0; i < bitCount; i++) bits[i] = (bytes[i >>> 3] >>> (7 - (i & 7))) & 1;
  return bits;
}

/** Bits written as ASCII '0' and '1' characters; whitespace is ignored, anything else refused. */
export function bitsFromAscii(text: string): Bits {
  const bits = new Uint8Array(text.length);
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 48 || code === 49) bits[count++] = code - 48;
    else if (!isWhitespace(code)) {
      throw new RangeError(`not a binary digit at character ${i}: ${JSON.stringify(text[i])}`);
    }
  }
  return bits.slice(0, count);
}

/** Packs bits into bytes, most significant bit first; a final partial byte is zero-padded. */
export function bytesFromBits(bits: Bits): Buffer {
  const bytes = Buffer.alloc(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i]) bytes[i >>> 3] |= 0x80 >>> (i & 7);
  return bytes;
}

/** The bits as a '0'/'1' string (for reports and tests). */
export function bitsToAscii(bits: Bits): string {
  let text = '';
  for (let i = 0; i < bits.length; i++) text += bits[i] === 1 ? '1' : '0';
  return text;
}

function isWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12;
}
