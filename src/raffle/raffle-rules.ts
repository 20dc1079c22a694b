import type { JurisdictionCode, JurisdictionProfile } from '../jurisdiction/jurisdiction-profiles.js';
import { cronOccurrences, isCronExpression } from './draw-schedule.js';

export const RAFFLE_TYPES = ['FIFTY_FIFTY', 'FIXED_PRIZE', 'PROGRESSIVE'] as const;
export type RaffleType = (typeof RAFFLE_TYPES)[number];

export const SALE_CHANNELS = ['ONLINE', 'POS', 'CASHIER'] as const;
export type SaleChannel = (typeof SALE_CHANNELS)[number];

export const PRIZE_KINDS = ['MAIN', 'EARLY_BIRD', 'CONSOLATION'] as const;
export type PrizeKind = (typeof PRIZE_KINDS)[number];

export const DRAW_METHODS = ['RNG', 'PHYSICAL'] as const;
export type DrawMethod = (typeof DRAW_METHODS)[number];

/**
 * Which earlier winners a prize's draw leaves out (docs/draws.md 4.3). The values are the draw
 * journal's own `exclusion` member, so an auditor compares the rules and each draw literally:
 * `seal`: a ticket that won a prize drawn from another set (an early bird) stays in, as paper raffles
 * return early-bird tickets to the drum; `raffle`: a ticket that won any earlier draw of the raffle is
 * out; `none`: no earlier winner is out.
 */
export const WINNER_EXCLUSIONS = ['seal', 'raffle', 'none'] as const;
export type WinnerExclusion = (typeof WINNER_EXCLUSIONS)[number];
/**
 * What a prize left without a choice gets when a draft is created or edited, stored explicitly: a ticket
 * wins at most one prize of the raffle ("several prizes draw distinct tickets unless the rules allow
 * repeats"). Choose `seal` or `none` to let an early-bird winner win again.
 */
export const NEW_RULES_WINNER_EXCLUSION: WinnerExclusion = 'raffle';
/**
 * How stored or journaled rules without the member read: every draw used `seal` before prizes could
 * choose, so those rules must keep reading as they were drawn (or their exports stop verifying).
 * Never applied to new rules.
 */
export const STORED_RULES_WINNER_EXCLUSION: WinnerExclusion = 'seal';

/** Package and prize ids: short, stable, printable. */
export const RULE_ID = /^[A-Za-z0-9_-]{1,32}$/;
/** Money and counts stay far below 2^53 (int8 columns come back as JS numbers). */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;
export const MAX_TICKETS = 100_000_000;
export const MAX_CRON_OCCURRENCES = 1_000;

export interface PricePackage {
  id: string;
  tickets: number;
  priceMinor: number;
  label: string | null;
}

export interface PrizeRule {
  id: string;
  name: string;
  kind: PrizeKind;
  /** One fixed draw time (UTC ISO-8601) ... */
  drawAt: string | null;
  /** ... or a cron schedule (UTC) of recurring draws inside the sales window. */
  drawCron: string | null;
  /** Fixed prizes: their value; a 50/50 or progressive main prize is computed from sales instead. */
  amountMinor: number | null;
  description: string | null;
  /**
   * Absent from rules stored before prizes could choose it (their canonical text and hash stay as
   * journaled): read it through winnerExclusionOf.
   */
  winnerExclusion?: WinnerExclusion;
}

/** The exclusion rule of a stored (or journaled) prize: `seal` for rules stored before the field existed. */
export function winnerExclusionOf(prize: { winnerExclusion?: WinnerExclusion }): WinnerExclusion {
  return prize.winnerExclusion ?? STORED_RULES_WINNER_EXCLUSION;
}

/** The exclusion rule a prize of a draft being created or edited is stored with: `raffle` if left out. */
export function newWinnerExclusionOf(prize: { winnerExclusion?: WinnerExclusion }): WinnerExclusion {
  return prize.winnerExclusion ?? NEW_RULES_WINNER_EXCLUSION;
}

/** Everything a raffle's licence fixes; frozen when sales open (SALE-5). */
export interface RaffleRules {
  licenseNumber: string;
  name: string;
  rulesText: string;
  type: RaffleType;
  currency: string;
  jurisdiction: JurisdictionCode;
  packages: PricePackage[];
  salesOpenAt: string;
  salesCloseAt: string;
  maxTickets: number;
  maxTicketsPerOrder: number;
  maxTicketsPerBuyer: number | null;
  prizes: PrizeRule[];
  /** FIFTY_FIFTY and PROGRESSIVE: the share of paid sales that forms the main prize. */
  prizeShareBps: number | null;
  /** Seeded cash added to the computed prize (PRIZE-3: an estimate includes it). */
  seedMinor: number;
  channels: SaleChannel[];
  drawMethod: DrawMethod;
  licensee: { name: string; contact: string } | null;
  /** Where the raffle is held (the event summary names it, RPT-1: North Dakota asks for the site). */
  site: string | null;
  /** Where the rules and results are posted (TKT-5). */
  rulesUrl: string | null;
  claimDeadlineDays: number | null;
}

export interface RuleProblem {
  field: string;
  message: string;
}

export interface RuleCheckOptions {
  /** Opening sales: the window must not have ended and every draw must still be ahead. */
  opening?: { now: Date };
}

/**
 * Cross-field checks of a complete rule set against its jurisdiction profile. Shapes and types
 * are checked by the request DTOs before; this finds what only the whole set can show.
 */
export function checkRaffleRules(
  rules: RaffleRules,
  profile: JurisdictionProfile,
  options: RuleCheckOptions = {},
): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });

  const open = Date.parse(rules.salesOpenAt);
  const close = Date.parse(rules.salesCloseAt);
  if (!(close > open)) problem('salesCloseAt', 'salesCloseAt must be after salesOpenAt');
  if (options.opening && !(close > options.opening.now.getTime())) {
    problem('salesCloseAt', 'salesCloseAt has passed: sales cannot open for a window that has ended');
  }

  checkPackages(rules, problem);

  if (rules.maxTicketsPerBuyer !== null && rules.maxTicketsPerBuyer < rules.maxTicketsPerOrder) {
    problem('maxTicketsPerBuyer', 'maxTicketsPerBuyer must be at least maxTicketsPerOrder');
  }
  if (rules.maxTicketsPerOrder > rules.maxTickets) {
    problem('maxTicketsPerOrder', 'maxTicketsPerOrder must not exceed maxTickets');
  }

  const shared = rules.type === 'FIFTY_FIFTY' || rules.type === 'PROGRESSIVE';
  if (shared) {
    const { minBps, maxBps } = profile.prizeShare.value;
    if (rules.prizeShareBps === null) {
      problem('prizeShareBps', `prizeShareBps is required for a ${rules.type} raffle`);
    } else if (rules.prizeShareBps < minBps || rules.prizeShareBps > maxBps) {
      problem(
        'prizeShareBps',
        `prizeShareBps must be from ${minBps} to ${maxBps} under ${profile.code} (${profile.prizeShare.trace.join(', ')})`,
      );
    }
  } else if (rules.prizeShareBps !== null) {
    problem('prizeShareBps', 'prizeShareBps applies only to FIFTY_FIFTY and PROGRESSIVE raffles');
  }

  checkPrizes(rules, open, close, options, problem);

  if (new Set(rules.channels).size !== rules.channels.length) {
    problem('channels', 'channels must not repeat');
  }
  if (
    rules.drawMethod === 'RNG' &&
    rules.channels.includes('ONLINE') &&
    !profile.onlineRngDraw.value.allowed
  ) {
    problem(
      'drawMethod',
      `${profile.code} does not allow an RNG draw for a raffle that sells online (${profile.onlineRngDraw.trace.join(', ')}); use PHYSICAL or drop ONLINE`,
    );
  }

  const required = new Set(profile.receiptFields.value);
  const trace = profile.receiptFields.trace.join(', ');
  if ((required.has('licenseeName') || required.has('licenseeContact')) && rules.licensee === null) {
    problem('licensee', `${profile.code} receipts show the licensee's name and contact (${trace})`);
  }
  if (required.has('rulesLocation') && rules.rulesUrl === null) {
    problem('rulesUrl', `${profile.code} receipts show where rules and results are posted (${trace})`);
  }
  if (required.has('claimDeadline') && rules.claimDeadlineDays === null) {
    problem('claimDeadlineDays', `${profile.code} receipts show the claim deadline (${trace})`);
  }
  return problems;
}

function checkPackages(rules: RaffleRules, problem: (field: string, message: string) => void): void {
  const ids = new Set<string>();
  rules.packages.forEach((pkg, i) => {
    if (ids.has(pkg.id)) problem(`packages[${i}].id`, `package id ${pkg.id} is used twice`);
    ids.add(pkg.id);
    if (pkg.tickets > rules.maxTicketsPerOrder) {
      problem(
        `packages[${i}].tickets`,
        `a package of ${pkg.tickets} tickets exceeds maxTicketsPerOrder (${rules.maxTicketsPerOrder})`,
      );
    }
  });
}

function checkPrizes(
  rules: RaffleRules,
  open: number,
  close: number,
  options: RuleCheckOptions,
  problem: (field: string, message: string) => void,
): void {
  const ids = new Set<string>();
  const mains = rules.prizes.filter((prize) => prize.kind === 'MAIN').length;
  if (mains !== 1) problem('prizes', `a raffle has exactly one MAIN prize (found ${mains})`);
  const computedMain = rules.type === 'FIFTY_FIFTY' || rules.type === 'PROGRESSIVE';
  rules.prizes.forEach((prize, i) => {
    const at = `prizes[${i}]`;
    if (ids.has(prize.id)) problem(`${at}.id`, `prize id ${prize.id} is used twice`);
    ids.add(prize.id);
    if ((prize.drawAt === null) === (prize.drawCron === null)) {
      problem(`${at}.drawAt`, 'a prize has exactly one of drawAt (a time) or drawCron (a schedule)');
      return;
    }
    if (prize.drawAt !== null) {
      const drawAt = Date.parse(prize.drawAt);
      if (prize.kind === 'MAIN' && drawAt < close) {
        problem(`${at}.drawAt`, 'the MAIN draw must not be before salesCloseAt (SALE-1)');
      }
      if (prize.kind !== 'MAIN' && (drawAt <= open || drawAt > close)) {
        problem(`${at}.drawAt`, `a ${prize.kind} draw must fall inside the sales window`);
      }
      if (options.opening && drawAt <= options.opening.now.getTime()) {
        problem(`${at}.drawAt`, 'this draw time has passed');
      }
    } else if (prize.drawCron !== null) {
      if (prize.kind === 'MAIN') {
        problem(`${at}.drawCron`, 'the MAIN prize is drawn once, at a drawAt time');
      } else if (!isCronExpression(prize.drawCron)) {
        problem(
          `${at}.drawCron`,
          `drawCron ${JSON.stringify(prize.drawCron)} is not a valid cron expression`,
        );
      } else {
        const times = cronOccurrences(
          prize.drawCron,
          new Date(open),
          new Date(close),
          MAX_CRON_OCCURRENCES + 1,
        );
        if (times.length === 0)
          problem(`${at}.drawCron`, 'drawCron has no occurrence inside the sales window');
        if (times.length > MAX_CRON_OCCURRENCES) {
          problem(
            `${at}.drawCron`,
            `drawCron fires more than ${MAX_CRON_OCCURRENCES} times in the sales window`,
          );
        }
      }
    }
    if (prize.kind === 'MAIN' && computedMain) {
      if (prize.amountMinor !== null) {
        problem(`${at}.amountMinor`, `a ${rules.type} main prize is computed from sales; omit amountMinor`);
      }
    } else if (prize.amountMinor === null && prize.description === null) {
      problem(`${at}.amountMinor`, 'a fixed prize states its value (amountMinor) or describes the prize');
    }
  });
}

type Optional<T, K extends keyof T> = Omit<T, K> & { [P in K]?: T[P] | null };

/** What a client sends: every nullable field may be left out. */
export type RaffleRulesInput = Optional<
  Omit<RaffleRules, 'packages' | 'prizes'>,
  | 'maxTicketsPerBuyer'
  | 'prizeShareBps'
  | 'seedMinor'
  | 'licensee'
  | 'site'
  | 'rulesUrl'
  | 'claimDeadlineDays'
> & {
  packages: Array<Optional<PricePackage, 'label'>>;
  prizes: Array<Optional<PrizeRule, 'drawAt' | 'drawCron' | 'amountMinor' | 'description'>>;
};

/** The one stored form of a rule set: explicit nulls, times as UTC ISO-8601 with milliseconds. */
export function normalizeRules(input: RaffleRulesInput): RaffleRules {
  return {
    licenseNumber: input.licenseNumber,
    name: input.name,
    rulesText: input.rulesText,
    type: input.type,
    currency: input.currency,
    jurisdiction: input.jurisdiction,
    packages: input.packages.map((pkg) => ({
      id: pkg.id,
      tickets: pkg.tickets,
      priceMinor: pkg.priceMinor,
      label: pkg.label ?? null,
    })),
    salesOpenAt: new Date(input.salesOpenAt).toISOString(),
    salesCloseAt: new Date(input.salesCloseAt).toISOString(),
    maxTickets: input.maxTickets,
    maxTicketsPerOrder: input.maxTicketsPerOrder,
    maxTicketsPerBuyer: input.maxTicketsPerBuyer ?? null,
    prizes: input.prizes.map((prize) => ({
      id: prize.id,
      name: prize.name,
      kind: prize.kind,
      drawAt: prize.drawAt ? new Date(prize.drawAt).toISOString() : null,
      drawCron: prize.drawCron ?? null,
      amountMinor: prize.amountMinor ?? null,
      description: prize.description ?? null,
      winnerExclusion: newWinnerExclusionOf(prize),
    })),
    prizeShareBps: input.prizeShareBps ?? null,
    seedMinor: input.seedMinor ?? 0,
    channels: [...input.channels],
    drawMethod: input.drawMethod,
    licensee: input.licensee ? { name: input.licensee.name, contact: input.licensee.contact } : null,
    site: input.site ?? null,
    rulesUrl: input.rulesUrl ?? null,
    claimDeadlineDays: input.claimDeadlineDays ?? null,
  };
}

/** The package of an order, or undefined. */
export function findPackage(rules: RaffleRules, packageId: string): PricePackage | undefined {
  return rules.packages.find((pkg) => pkg.id === packageId);
}
