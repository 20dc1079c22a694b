import { jurisdictionProfile } from '../src/jurisdiction/jurisdiction-profiles.js';
import { offlineVerificationCode } from '../src/ticket/verification-code.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { NORTH_DAKOTA } from './support/draws.js';
import { idempotencyKey } from './support/factories.js';
import { openRaffle, order, posCash, type Headers } from './support/sales.js';

/** PLY-3: every receipt carries its raffle's jurisdiction message, apart from the game content. */
describe('responsible-gambling messaging on receipts (pglite)', () => {
  let t: TestApp;
  let admin: Headers;
  let seller: Headers;

  beforeAll(async () => {
    t = await startTestApp({ engine: 'pglite' });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    seller = bearer(await t.token(['seller'], 'sam-seller'));
  });
  afterAll(async () => t?.close());

  it("prints the Ontario message (ConnexOntario) on the receipt, the order's receipt and every reprint", async () => {
    const raffle = await openRaffle(t, admin, { jurisdiction: 'ON-AGCO' });
    const expected = { ...jurisdictionProfile('ON-AGCO').responsibleGambling.value, jurisdiction: 'ON-AGCO' };
    const sold = await order(t, raffle.id, seller, { ...posCash, packageId: 'five' });
    expect(sold.statusCode).toBe(201);
    const receipt = sold.json().receipt;
    expect(receipt.responsibleGambling).toEqual(expected);
    expect(receipt.responsibleGambling.message).toContain('ConnexOntario');
    expect(receipt.responsibleGambling.message).toContain('1-866-531-2600');
    // Kept apart from the game content: the raffle, numbers, draws and statements do not carry it.
    const { responsibleGambling: _, ...game } = receipt;
    expect(JSON.stringify(game)).not.toContain('ConnexOntario');

    const orderId = sold.json().orderId as string;
    const read = await t.app.inject({ method: 'GET', url: `/v1/orders/${orderId}`, headers: seller });
    expect(read.json().receipt.responsibleGambling).toEqual(expected);
    const reprint = await t.app.inject({
      method: 'POST',
      url: `/v1/orders/${orderId}/reprint`,
      payload: { deviceId: 'pos-07', reason: 'Printer jammed' },
      headers: seller,
    });
    expect(reprint.statusCode).toBe(201);
    expect(reprint.json().responsibleGambling).toEqual(expected);

    const profile = await t.app.inject({ method: 'GET', url: '/v1/jurisdictions/ON-AGCO' });
    expect(profile.json().responsibleGambling.value).toEqual(
      jurisdictionProfile('ON-AGCO').responsibleGambling.value,
    );
  });

  it('prints each profile its own message: Washington, and the generic one on offline POS receipts in North Dakota', async () => {
    const wa = await openRaffle(t, admin, {
      jurisdiction: 'WA-GCC',
      licensee: { name: 'Evergreen Hospital Foundation', contact: '+1 360 555 0100' },
      rulesUrl: 'https://example.org/rules',
      claimDeadlineDays: 30,
    });
    const waReceipt = (await order(t, wa.id, seller)).json().receipt;
    expect(waReceipt.responsibleGambling).toMatchObject({
      jurisdiction: 'WA-GCC',
      helpline: { phone: '1-800-547-6133' },
    });

    const nd = await openRaffle(t, admin, NORTH_DAKOTA);
    const reserved = await t.app.inject({
      method: 'POST',
      url: `/v1/raffles/${nd.id}/blocks`,
      payload: { deviceId: 'handheld-1', tickets: 3 },
      headers: { ...seller, 'idempotency-key': idempotencyKey() },
    });
    expect(reserved.statusCode).toBe(201);
    const block = reserved.json();
    const key = Buffer.from(block.blockKey, 'hex');
    const uploaded = await t.app.inject({
      method: 'POST',
      url: `/v1/blocks/${block.blockId}/sales`,
      payload: {
        deviceId: 'handheld-1',
        sales: [
          {
            first: block.first,
            last: block.first,
            packageId: 'one',
            soldAt: new Date(Date.parse(block.reservedAt) + 1).toISOString(),
            verificationCode: offlineVerificationCode(key, nd.id, block.first, block.first),
          },
        ],
      },
      headers: seller,
    });
    expect(uploaded.statusCode).toBe(200);
    const [offline] = uploaded.json().recorded;
    expect(offline.responsibleGambling).toEqual({
      ...jurisdictionProfile('ND-AG').responsibleGambling.value,
      jurisdiction: 'ND-AG',
    });
    expect(offline.responsibleGambling.helpline).toBeNull();
  });
});
