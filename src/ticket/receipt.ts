import type {
  JurisdictionProfile,
  ReceiptField,
  ResponsibleGamblingMessage,
} from '../jurisdiction/jurisdiction-profiles.js';
import type { ApplicableDraw, DrawCalendar } from '../raffle/draw-schedule.js';
import type { RaffleRules } from '../raffle/raffle-rules.js';

export const NEED_NOT_BE_PRESENT = 'Need not be present to win.';
const DAY_MS = 86_400_000;

export interface ReceiptOrder {
  id: string;
  status: string;
  channel: string;
  sellerId: string;
  deviceId: string | null;
  packageId: string;
  ticketCount: number;
  priceMinor: number;
  currency: string;
  firstNumber: number;
  lastNumber: number;
  verificationCode: string;
  soldAt: Date;
}

export interface JournalReference {
  seq: number;
  leafHash: string;
}

/** What a buyer gets for a paid order: the fields GLI-31 and the raffle's regulator require. */
export interface Receipt {
  orderId: string;
  status: string;
  raffle: { id: string; name: string; licenseNumber: string; drawId: string };
  licensee: { name: string; contact: string } | null;
  purchaseJurisdiction: string;
  issuedAt: string;
  channel: string;
  sellerId: string;
  /** The point of sale: the device for POS sales, else the channel. */
  posId: string;
  salesUnitId: string;
  tickets: { first: number; last: number; count: number };
  package: { id: string; label: string | null; tickets: number; priceMinor: number };
  totalMinor: number;
  currency: string;
  draws: ApplicableDraw[];
  verificationCode: string;
  verifyPath: string;
  statements: { needNotBePresent: string; rulesLocation: string | null; claimDeadline: string | null };
  /**
   * PLY-3: the jurisdiction profile's responsible-gambling message, a block of its own apart from the
   * game's content (raffle, numbers, draws, statements), printed on every receipt and reprint.
   */
  responsibleGambling: ResponsibleGamblingMessage & { jurisdiction: string };
  /** The TICKETS_SOLD entry in the journal; null only while it awaits integration. */
  journal: JournalReference | null;
}

export interface ReceiptRaffle {
  id: string;
  rules: RaffleRules;
  profile: JurisdictionProfile;
  calendar: DrawCalendar;
}

export function buildReceipt(
  order: ReceiptOrder,
  raffle: ReceiptRaffle,
  journal: JournalReference | null,
): Receipt {
  const { rules } = raffle;
  const pkg = rules.packages.find((p) => p.id === order.packageId);
  const posId = order.deviceId ?? order.channel;
  return {
    orderId: order.id,
    status: order.status,
    raffle: { id: raffle.id, name: rules.name, licenseNumber: rules.licenseNumber, drawId: raffle.id },
    licensee: rules.licensee,
    purchaseJurisdiction: raffle.profile.name,
    issuedAt: order.soldAt.toISOString(),
    channel: order.channel,
    sellerId: order.sellerId,
    posId,
    salesUnitId: posId,
    tickets: { first: order.firstNumber, last: order.lastNumber, count: order.ticketCount },
    package: {
      id: order.packageId,
      label: pkg?.label ?? null,
      tickets: order.ticketCount,
      priceMinor: order.priceMinor,
    },
    totalMinor: order.priceMinor,
    currency: order.currency,
    draws: raffle.calendar.applicable(order.soldAt),
    verificationCode: order.verificationCode,
    verifyPath: `/v1/tickets/verify/${order.verificationCode}`,
    statements: {
      needNotBePresent: NEED_NOT_BE_PRESENT,
      rulesLocation: rules.rulesUrl,
      claimDeadline: claimDeadline(rules),
    },
    responsibleGambling: { ...raffle.profile.responsibleGambling.value, jurisdiction: raffle.profile.code },
    journal,
  };
}

/** What sets a reprinted receipt apart from the original (TKT-6: a reprint is clearly marked). */
export interface ReprintMark {
  /** 1 for the first copy printed again, 2 for the next, ... (per order). */
  number: number;
  reprintedAt: string;
  reprintedBy: string;
  /** The device that printed the copy, when the request named one. */
  deviceId: string | null;
  /** The words printed on the copy, e.g. "REPRINT #2 - printed 2026-12-06T19:40:00.000Z - ...". */
  label: string;
  /** Its RECEIPT_REPRINTED entry; null only while it awaits integration. */
  journal: JournalReference | null;
}

export type ReprintedReceipt = Receipt & { reprint: ReprintMark };

/**
 * The receipt as printed again: every field of the original (numbers, validation number, the
 * TICKETS_SOLD reference) and the mark that says it is a copy, which copy, and when it was made.
 * Only a paid receipt is reprinted: a voided ticket is not valid, and a copy would pass it off as one.
 */
export function markReprint(
  receipt: Receipt,
  reprint: { number: number; at: Date; by: string; deviceId: string | null },
  journal: JournalReference | null,
): ReprintedReceipt {
  if (receipt.status !== 'PAID') throw new Error(`a ${receipt.status} receipt is not reprinted`);
  if (!Number.isSafeInteger(reprint.number) || reprint.number < 1)
    throw new Error(`reprint number ${reprint.number} is not a positive integer`);
  const at = reprint.at.toISOString();
  return {
    ...receipt,
    reprint: {
      number: reprint.number,
      reprintedAt: at,
      reprintedBy: reprint.by,
      deviceId: reprint.deviceId,
      label: `REPRINT #${reprint.number} - printed ${at} - original issued ${receipt.issuedAt}`,
      journal,
    },
  };
}

/** The last day to claim: the main draw plus the licensed number of days. */
export function claimDeadline(rules: RaffleRules): string | null {
  const main = rules.prizes.find((prize) => prize.kind === 'MAIN');
  if (!main?.drawAt || rules.claimDeadlineDays === null) return null;
  return new Date(Date.parse(main.drawAt) + rules.claimDeadlineDays * DAY_MS).toISOString();
}

const PRESENT: Record<ReceiptField, (r: Receipt) => boolean> = {
  licenseNumber: (r) => r.raffle.licenseNumber.length > 0,
  posId: (r) => r.posId.length > 0,
  issuedAt: (r) => r.issuedAt.length > 0,
  ticketNumbers: (r) => r.tickets.first >= 1 && r.tickets.last >= r.tickets.first,
  price: (r) => r.package.priceMinor >= 0,
  drawId: (r) => r.raffle.drawId.length > 0,
  drawDates: (r) => r.draws.length > 0,
  validationNumber: (r) => r.verificationCode.length > 0,
  purchaseJurisdiction: (r) => r.purchaseJurisdiction.length > 0,
  licenseeName: (r) => (r.licensee?.name.length ?? 0) > 0,
  licenseeContact: (r) => (r.licensee?.contact.length ?? 0) > 0,
  salesUnitId: (r) => r.salesUnitId.length > 0,
  totalCost: (r) => r.totalMinor >= 0,
  quantity: (r) => r.tickets.count >= 1,
  rulesLocation: (r) => r.statements.rulesLocation !== null,
  needNotBePresent: (r) => r.statements.needNotBePresent.length > 0,
  claimDeadline: (r) => r.statements.claimDeadline !== null,
};

/** The fields the profile requires that a receipt lacks (TKT-6: such a ticket is not valid). */
export function missingReceiptFields(receipt: Receipt, profile: JurisdictionProfile): ReceiptField[] {
  return profile.receiptFields.value.filter((field) => !PRESENT[field](receipt));
}
