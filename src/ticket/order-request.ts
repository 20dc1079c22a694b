import type { RaffleRules } from '../raffle/raffle-rules.js';

export interface OrderRequest {
  packageId: string;
  channel: string;
  paymentMethod: string;
  deviceId?: string;
  buyerReference?: string;
  /** PLY-2, read and dropped by EligibilityService.admit before anything else sees the request. */
  dateOfBirth?: string;
  ageChecked?: boolean;
  geolocationToken?: string;
}

export interface OrderProblem {
  field: string;
  message: string;
}

/** What can be refused before an order reaches the sales batch (nothing here needs the database). */
export function checkOrderRequest(rules: RaffleRules, request: OrderRequest): OrderProblem[] {
  const problems: OrderProblem[] = [];
  const pkg = rules.packages.find((p) => p.id === request.packageId);
  if (!pkg) {
    problems.push({
      field: 'packageId',
      message: `packageId must be one of ${rules.packages.map((p) => p.id).join(', ')}`,
    });
  } else if (pkg.tickets > rules.maxTicketsPerOrder) {
    problems.push({
      field: 'packageId',
      message: `an order holds at most ${rules.maxTicketsPerOrder} tickets`,
    });
  }
  if (!(rules.channels as readonly string[]).includes(request.channel)) {
    problems.push({ field: 'channel', message: `this raffle sells on ${rules.channels.join(', ')}` });
  }
  if (request.channel === 'POS' && !request.deviceId) {
    problems.push({
      field: 'deviceId',
      message: 'deviceId (the point-of-sale identifier) is required on channel POS',
    });
  }
  if (request.channel === 'ONLINE' && rules.maxTicketsPerBuyer !== null && !request.buyerReference) {
    problems.push({
      field: 'buyerReference',
      message: `buyerReference is required online: this raffle limits each buyer to ${rules.maxTicketsPerBuyer} tickets`,
    });
  }
  return problems;
}
