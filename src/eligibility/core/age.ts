// The buyer's age from a date of birth, at the moment of sale, in UTC. Plain TypeScript, no NestJS.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date YYYY-MM-DD that exists (no 2026-02-30), or undefined. */
export function parseBirthDate(text: string): { year: number; month: number; day: number } | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return { year, month, day };
}

/**
 * Completed years between a date of birth and `at`, both read as UTC calendar dates. A birthday
 * counts from 00:00 UTC of that day. Someone born on 29 February turns a year older on 1 March in
 * a common year (the day after 28 February): the conservative reading, never a day early.
 */
export function ageAt(birth: { year: number; month: number; day: number }, at: Date): number {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth() + 1;
  const day = at.getUTCDate();
  let age = year - birth.year;
  if (month < birth.month || (month === birth.month && day < birth.day)) age -= 1;
  return age;
}
