import { ByteReader } from './byte-reader.js';
import type { RandomBytes } from './random-bytes.js';
import { rangeEncoding } from './range-encoding.js';
import { distinctSelectionPlan, repeatedSelectionPlan, type SelectionPlan } from './selection-plans.js';
import { readUniformInt, uniformInt, type UniformIntDraw } from './uniform-int.js';

export interface Selection {
  /** Selected positions in [0, n), in draw order (first prize first). */
  values: number[];
  /** All bytes read for the selection, in order: what the journal records. */
  bytesConsumed: Buffer;
  /** The individual draws, with the range each one used. */
  draws: Array<UniformIntDraw & { range: number }>;
}

export interface SelectionReplay {
  values: number[];
  bytesUsed: number;
  attempts: number;
}

/** k distinct winners from [0, n) (partial Fisher-Yates; see distinctSelectionPlan). */
export function selectDistinct(k: number, n: number, source: RandomBytes): Promise<Selection> {
  return drive(distinctSelectionPlan(k, n), source);
}

/** k independent winners from [0, n), repeats allowed. */
export function selectWithRepeats(k: number, n: number, source: RandomBytes): Promise<Selection> {
  return drive(repeatedSelectionPlan(k, n), source);
}

/** Recomputes selectDistinct from its journaled bytes; the bytes must match exactly. */
export function replaySelectDistinct(k: number, n: number, bytes: Uint8Array): SelectionReplay {
  return replay(distinctSelectionPlan(k, n), bytes);
}

/** Recomputes selectWithRepeats from its journaled bytes; the bytes must match exactly. */
export function replaySelectWithRepeats(k: number, n: number, bytes: Uint8Array): SelectionReplay {
  return replay(repeatedSelectionPlan(k, n), bytes);
}

async function drive(plan: SelectionPlan, source: RandomBytes): Promise<Selection> {
  const draws: Selection['draws'] = [];
  let step = plan.next();
  while (!step.done) {
    const range = step.value;
    const draw = await uniformInt(range, source);
    draws.push({ ...draw, range });
    step = plan.next(draw.value);
  }
  return { values: step.value, bytesConsumed: Buffer.concat(draws.map((d) => d.bytesConsumed)), draws };
}

function replay(plan: SelectionPlan, bytes: Uint8Array): SelectionReplay {
  const reader = new ByteReader(bytes);
  let attempts = 0;
  let step = plan.next();
  while (!step.done) {
    const draw = readUniformInt(rangeEncoding(step.value), reader);
    attempts += draw.attempts;
    step = plan.next(draw.value);
  }
  reader.assertFullyRead();
  return { values: step.value, bytesUsed: reader.position, attempts };
}
