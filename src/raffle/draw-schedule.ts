import { CronTime, validateCronExpression } from 'cron';

/** A cron expression (5 fields, or 6 with seconds), read in UTC. */
export function isCronExpression(expression: string): boolean {
  return expression.trim().length > 0 && validateCronExpression(expression).valid;
}

/** Occurrences of `expression` in [from, to], at most `limit` of them, in order. */
export function cronOccurrences(expression: string, from: Date, to: Date, limit: number): Date[] {
  const cron = new CronTime(expression, 'UTC');
  const times: Date[] = [];
  // getNextDateFrom is strictly after its argument: start one millisecond early to include `from`.
  let cursor = new Date(from.getTime() - 1);
  while (times.length < limit) {
    const next = cron.getNextDateFrom(cursor).toJSDate();
    if (next.getTime() > to.getTime()) break;
    times.push(next);
    cursor = next;
  }
  return times;
}

export interface ScheduledPrize {
  id: string;
  name: string;
  kind: string;
  drawAt: string | null;
  drawCron: string | null;
}

export interface ApplicableDraw {
  prizeId: string;
  name: string;
  kind: string;
  /** The draw this ticket takes part in next for that prize (UTC ISO-8601). */
  drawAt: string;
  /** The recurring schedule, for a prize drawn more than once. */
  schedule: string | null;
}

/**
 * The draw dates of a raffle's prizes, computed once: a receipt lists every draw still ahead of
 * its sale (TKT-4), with a binary search instead of a cron evaluation per ticket.
 */
export class DrawCalendar {
  private readonly entries: Array<{ prize: ScheduledPrize; times: number[] }>;

  constructor(prizes: ScheduledPrize[], salesOpenAt: Date, salesCloseAt: Date, limit = 1_000) {
    this.entries = prizes.map((prize) => ({
      prize,
      times:
        prize.drawAt !== null
          ? [Date.parse(prize.drawAt)]
          : cronOccurrences(prize.drawCron ?? '', salesOpenAt, salesCloseAt, limit).map((d) => d.getTime()),
    }));
  }

  /** For each prize, its next draw at or after `at`; prizes whose draws are all past are left out. */
  applicable(at: Date): ApplicableDraw[] {
    const time = at.getTime();
    const draws: ApplicableDraw[] = [];
    for (const { prize, times } of this.entries) {
      const next = firstAtOrAfter(times, time);
      if (next === undefined) continue;
      draws.push({
        prizeId: prize.id,
        name: prize.name,
        kind: prize.kind,
        drawAt: new Date(next).toISOString(),
        schedule: prize.drawCron,
      });
    }
    return draws;
  }
}

function firstAtOrAfter(sorted: number[], time: number): number | undefined {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < time) low = middle + 1;
    else high = middle;
  }
  return sorted[low];
}
