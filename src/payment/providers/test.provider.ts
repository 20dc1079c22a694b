import type { PaymentProvider, RefundRequest, RefundResult } from '../payment-provider.js';

/**
 * For development and tests only (refused when NODE_ENV=production): every payment succeeds at
 * once, on any channel, and every refund succeeds.
 */
export class TestProvider implements PaymentProvider {
  readonly name = 'test' as const;
  readonly settlesAtSale = true;
  readonly channels = ['ONLINE', 'POS', 'CASHIER', 'POS_OFFLINE'] as const;

  async refund(request: RefundRequest): Promise<RefundResult> {
    return { status: 'SUCCEEDED', providerRefundId: `test_re_${request.refundId}` };
  }
}
