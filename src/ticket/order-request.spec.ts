import { raffleDraft } from '../../test/support/factories.js';
import { normalizeRules } from '../raffle/raffle-rules.js';
import { checkOrderRequest } from './order-request.js';

describe('order requests', () => {
  const rules = normalizeRules(raffleDraft({ maxTicketsPerBuyer: 60, channels: ['ONLINE', 'POS'] }));

  it('accepts a package on a channel the raffle sells on', () => {
    expect(
      checkOrderRequest(rules, {
        packageId: 'five',
        channel: 'POS',
        paymentMethod: 'cash',
        deviceId: 'pos-1',
      }),
    ).toEqual([]);
    expect(
      checkOrderRequest(rules, {
        packageId: 'one',
        channel: 'ONLINE',
        paymentMethod: 'stripe',
        buyerReference: 'b-1',
      }),
    ).toEqual([]);
  });

  it('names the field of each problem', () => {
    const fields = (request: Parameters<typeof checkOrderRequest>[1]) =>
      checkOrderRequest(rules, request).map((p) => p.field);
    expect(fields({ packageId: 'ten', channel: 'POS', paymentMethod: 'cash', deviceId: 'p' })).toEqual([
      'packageId',
    ]);
    expect(fields({ packageId: 'one', channel: 'CASHIER', paymentMethod: 'cash' })).toEqual(['channel']);
    expect(fields({ packageId: 'one', channel: 'POS', paymentMethod: 'cash' })).toEqual(['deviceId']);
    expect(fields({ packageId: 'one', channel: 'ONLINE', paymentMethod: 'stripe' })).toEqual([
      'buyerReference',
    ]);
  });
});
