// Splits a stream of bytes (for example fs.createReadStream(path)) into lines of UTF-8 text, without
// their '\n' (a trailing '\r' stays, and JSON.parse ignores it). Invalid UTF-8 throws: an export is
// UTF-8 by definition, and silently replacing bad bytes could hide a change. Lines come in batches,
// one per chunk read, because awaiting each line separately would cost the verifier a fifth of its
// speed.

import { isUtf8 } from 'node:buffer';

export class Utf8Error extends Error {
  override readonly name = 'Utf8Error';
}

/** The complete lines of each chunk, as one array per chunk; the last line may lack a '\n'. */
export async function* lineBatches(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string[]> {
  let pending = Buffer.alloc(0);
  let offset = 0;
  for await (const chunk of chunks) {
    const bytes = pending.length > 0 ? Buffer.concat([pending, toBuffer(chunk)]) : toBuffer(chunk);
    // Lines are cut at byte 0x0A, which never occurs inside a multi-byte UTF-8 character, and decoded
    // one by one: a line of ASCII then stays a one-byte string, which parses and hashes faster.
    const lines: string[] = [];
    let from = 0;
    for (let newline = bytes.indexOf(0x0a); newline >= 0; newline = bytes.indexOf(0x0a, from)) {
      lines.push(decodeLine(bytes, from, newline, offset));
      from = newline + 1;
    }
    offset += from;
    pending = Buffer.from(bytes.subarray(from));
    if (lines.length > 0) yield lines;
  }
  if (pending.length > 0) yield [decodeLine(pending, 0, pending.length, offset)];
}

function toBuffer(chunk: string | Buffer): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

function decodeLine(bytes: Buffer, start: number, end: number, offset: number): string {
  const line = bytes.subarray(start, end);
  if (!isUtf8(line)) throw new Utf8Error(`not valid UTF-8 (in bytes ${offset + start} to ${offset + end})`);
  return line.toString('utf8');
}

/** The lines of a byte stream, one at a time. */
export async function* splitLines(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  for await (const batch of lineBatches(chunks)) yield* batch;
}
