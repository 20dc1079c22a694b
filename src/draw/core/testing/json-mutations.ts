// Every single-field tampering of a JSON value, for "rejects every tampered field" tests: numbers
// moved by +-1 (and to a fractional and a negative value), hex digits flipped, strings changed,
// booleans negated, array items dropped or duplicated, members removed or added, null replaced.

export interface Mutation {
  /** Where and what, e.g. "leaf.path[1]: flipped hex digit". */
  label: string;
  value: unknown;
}

type Json = unknown;

function replaceAt(
  root: Json,
  path: (string | number)[],
  replace: (old: Json) => Json | typeof REMOVE,
): Json {
  if (path.length === 0) return replace(root);
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    const next = replaceAt(copy[head as number], rest, replace);
    if (next === REMOVE) copy.splice(head as number, 1);
    else copy[head as number] = next;
    return copy;
  }
  const copy = { ...(root as Record<string, Json>) };
  const next = replaceAt(copy[head as string], rest, replace);
  if (next === REMOVE) delete copy[head as string];
  else copy[head as string] = next;
  return copy;
}

const REMOVE = Symbol('remove');

function label(path: (string | number)[]): string {
  return (
    path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
      .join('')
      .replace(/^\./, '') || '(root)'
  );
}

function flipHex(s: string): string {
  const c = s[0];
  return (c === '0' ? '1' : '0') + s.slice(1);
}

export function mutations(value: Json, path: (string | number)[] = [], root: Json = value): Mutation[] {
  const out: Mutation[] = [];
  const at = label(path);
  const set = (what: string, v: Json | typeof REMOVE) =>
    out.push({ label: `${at}: ${what}`, value: replaceAt(root, path, () => v) });
  if (typeof value === 'number') {
    set('+1', value + 1);
    if (value > 0) set('-1', value - 1);
    set('fractional', value + 0.5);
    set('negative', -1 - value);
    set('as string', String(value));
  } else if (typeof value === 'string') {
    if (/^[0-9a-f]+$/.test(value) && value.length % 2 === 0) set('flipped hex digit', flipHex(value));
    else set('changed', `${value}x`);
  } else if (typeof value === 'boolean') {
    set('negated', !value);
  } else if (value === null) {
    set('object instead of null', {});
  } else if (Array.isArray(value)) {
    if (value.length > 0) set('last item dropped', value.slice(0, -1));
    if (value.length > 0) set('first item duplicated', [value[0], ...value]);
    if (value.length === 0) set('item added', [1]);
    value.forEach((item, i) => out.push(...mutations(item, [...path, i], root)));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, Json>)) {
      out.push({
        label: `${label([...path, k])}: removed`,
        value: replaceAt(root, [...path, k], () => REMOVE),
      });
      out.push(...mutations(v, [...path, k], root));
    }
    set('extra member', { ...(value as Record<string, Json>), extra: 1 });
  }
  return out;
}
