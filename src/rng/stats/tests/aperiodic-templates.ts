/**
 * All aperiodic (non-self-overlapping) templates of length m, ascending as in the NIST STS
 * template files: words with no proper prefix equal to a suffix. Two occurrences of such a
 * template can never overlap, which is what the non-overlapping test relies on. m = 9 gives 148.
 */
export function aperiodicTemplates(m: number): string[] {
  if (!Number.isSafeInteger(m) || m < 2 || m > 21)
    throw new RangeError(`template length must be 2..21, got ${m}`);
  const templates: string[] = [];
  for (let value = 0; value < 2 ** m; value++) {
    const word = value.toString(2).padStart(m, '0');
    if (isAperiodic(word)) templates.push(word);
  }
  return templates;
}

export function isAperiodic(word: string): boolean {
  for (let k = 1; k < word.length; k++) {
    if (word.slice(0, k) === word.slice(word.length - k)) return false;
  }
  return true;
}
