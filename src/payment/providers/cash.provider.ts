import type { PaymentProvider, RefundRequest, RefundResult } from '../payment-provider.js';

/**
 * Cash taken by a seller at a point of sale or a cashier: paid when the sale is recorded. A refund
 * is cash handed back by the licensee's staff; the service records and journals it.
 */
export class CashProvider implements PaymentProvider {
  readonly name = 'cash' as const;
  readonly settlesAtSale = true;
  readonly channels = ['POS', 'CASHIER', 'POS_OFFLINE'] as const;

  async refund(_request: RefundRequest): Promise<RefundResult> {
    return { status: 'SUCCEEDED', providerRefundId: null };
  }
}
