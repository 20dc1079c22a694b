import { raffleDraft } from '../../test/support/factories.js';
import { jurisdictionProfile } from '../jurisdiction/jurisdiction-profiles.js';
import { DrawCalendar } from '../raffle/draw-schedule.js';
import { normalizeRules, type RaffleRulesInput } from '../raffle/raffle-rules.js';
import {
  buildReceipt,
  markReprint,
  missingReceiptFields,
  NEED_NOT_BE_PRESENT,
  type ReceiptOrder,
} from './receipt.js';

function raffleOf(input: RaffleRulesInput) {
  const rules = normalizeRules(input);
  return {
    id: '0191d2c4-0000-7000-8000-000000000001',
    rules,
    profile: jurisdictionProfile(rules.jurisdiction),
    calendar: new DrawCalendar(rules.prizes, new Date(rules.salesOpenAt), new Date(rules.salesCloseAt)),
  };
}

const order: ReceiptOrder = {
  id: '0191d2c4-0000-7000-8000-0000000000aa',
  status: 'PAID',
  channel: 'POS',
  sellerId: 'seller-7',
  deviceId: 'pos-12',
  packageId: 'five',
  ticketCount: 5,
  priceMinor: 2_000,
  currency: 'CAD',
  firstNumber: 101,
  lastNumber: 105,
  verificationCode: 'ABCD-EFGH-JKMN-PQRS',
  soldAt: new Date(),
};

describe('receipts', () => {
  it('carry the TKT-4 fields: point of sale, time, numbers, price, draw and its dates', () => {
    const raffle = raffleOf(raffleDraft({ jurisdiction: 'ON-AGCO' }));
    const receipt = buildReceipt(order, raffle, { seq: 42, leafHash: 'ab'.repeat(32) });
    expect(receipt).toMatchObject({
      posId: 'pos-12',
      tickets: { first: 101, last: 105, count: 5 },
      package: { id: 'five', label: '5 for $20', priceMinor: 2_000 },
      totalMinor: 2_000,
      raffle: { licenseNumber: 'RAF-2026-000123', drawId: raffle.id },
      purchaseJurisdiction: 'Ontario',
      journal: { seq: 42 },
      verifyPath: '/v1/tickets/verify/ABCD-EFGH-JKMN-PQRS',
    });
    expect(receipt.draws).toEqual([
      expect.objectContaining({ prizeId: 'main', drawAt: raffle.rules.prizes[0].drawAt }),
    ]);
    expect(missingReceiptFields(receipt, raffle.profile)).toEqual([]);
  });

  it('name what a Washington receipt lacks without licensee, rules location and claim deadline', () => {
    const bare = raffleOf(raffleDraft());
    const wa = jurisdictionProfile('WA-GCC');
    expect(missingReceiptFields(buildReceipt(order, bare, null), wa)).toEqual([
      'licenseeName',
      'licenseeContact',
      'rulesLocation',
      'claimDeadline',
    ]);
    const complete = raffleOf(
      raffleDraft({
        jurisdiction: 'WA-GCC',
        licensee: { name: 'Seattle Hospital Foundation', contact: '+1 206 555 0100' },
        rulesUrl: 'https://example.org/rules',
        claimDeadlineDays: 90,
      }),
    );
    const receipt = buildReceipt({ ...order, deviceId: null, channel: 'ONLINE' }, complete, null);
    expect(missingReceiptFields(receipt, wa)).toEqual([]);
    expect(receipt.posId).toBe('ONLINE');
    expect(receipt.statements.needNotBePresent).toBe(NEED_NOT_BE_PRESENT);
    const mainDraw = Date.parse(complete.rules.prizes[0].drawAt!);
    expect(Date.parse(receipt.statements.claimDeadline!)).toBe(mainDraw + 90 * 86_400_000);
  });

  it('mark a reprint as such, which copy and when, and keep every field of the original (TKT-6)', () => {
    const raffle = raffleOf(raffleDraft({ jurisdiction: 'ON-AGCO' }));
    const original = buildReceipt(order, raffle, { seq: 42, leafHash: 'ab'.repeat(32) });
    const at = new Date('2026-12-06T19:40:00.000Z');
    const copy = markReprint(
      original,
      { number: 2, at, by: 'seller-7', deviceId: 'pos-3' },
      { seq: 99, leafHash: 'cd'.repeat(32) },
    );
    const { reprint, ...rest } = copy;
    expect(rest).toEqual(original);
    expect(reprint).toEqual({
      number: 2,
      reprintedAt: '2026-12-06T19:40:00.000Z',
      reprintedBy: 'seller-7',
      deviceId: 'pos-3',
      label: `REPRINT #2 - printed 2026-12-06T19:40:00.000Z - original issued ${original.issuedAt}`,
      journal: { seq: 99, leafHash: 'cd'.repeat(32) },
    });
    expect(missingReceiptFields(copy, raffle.profile)).toEqual([]);
  });

  it('refuse to reprint a voided receipt or an unnumbered copy', () => {
    const raffle = raffleOf(raffleDraft());
    const voided = buildReceipt({ ...order, status: 'VOIDED' }, raffle, null);
    const reprint = { number: 1, at: new Date(), by: 'op', deviceId: null };
    expect(() => markReprint(voided, reprint, null)).toThrow('VOIDED');
    const paid = buildReceipt(order, raffle, null);
    expect(() => markReprint(paid, { ...reprint, number: 0 }, null)).toThrow('positive integer');
  });

  it("carry the profile's responsible-gambling message as a block of its own, reprints too (PLY-3)", () => {
    const ontario = raffleOf(raffleDraft({ jurisdiction: 'ON-AGCO' }));
    const receipt = buildReceipt(order, ontario, null);
    expect(receipt.responsibleGambling).toEqual({
      ...jurisdictionProfile('ON-AGCO').responsibleGambling.value,
      jurisdiction: 'ON-AGCO',
    });
    // Kept apart from the game's content: not among the statements about the raffle.
    expect(JSON.stringify(receipt.statements)).not.toContain('ConnexOntario');
    const copy = markReprint(receipt, { number: 1, at: new Date(), by: 'oscar', deviceId: null }, null);
    expect(copy.responsibleGambling).toEqual(receipt.responsibleGambling);
    const generic = buildReceipt(order, raffleOf(raffleDraft()), null);
    expect(generic.responsibleGambling).toMatchObject({ jurisdiction: 'GLI31-DEFAULT', helpline: null });
  });
});
