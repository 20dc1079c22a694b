/**
 * Checks of an offline upload against its reserved block, as pure functions: every sale inside the
 * block, of a whole package, sold while the block was out and before sales closed, carrying the
 * validation number the device printed (HMAC under the block key), not overlapping another sale; an
 * exact repeat of a recorded sale is recognised as a retried upload.
 */

export interface Range {
  first: number;
  last: number;
}

export interface OfflineSale extends Range {
  packageId: string;
  soldAt: string;
  /** Required: a sale without it could not be checked against the ticket the buyer holds. */
  verificationCode: string;
}

export interface UploadContext {
  block: Range & { reservedAt: Date };
  /** Ranges already recorded from this block, with their codes. */
  recorded: Array<Range & { code: string }>;
  packages: ReadonlyArray<{ id: string; tickets: number }>;
  salesCloseAt: Date;
  now: Date;
  /** The validation number the device should have printed for a range. */
  expectedCode(range: Range): string;
  /** A typed code in canonical form, or undefined when malformed. */
  normalizeCode(code: string): string | undefined;
}

export interface UploadCheck {
  problems: Array<{ field: string; message: string }>;
  /** Indexes of sales to record. */
  fresh: number[];
  /** Indexes of sales already recorded by an earlier upload. */
  repeats: number[];
}

export function checkUpload(sales: readonly OfflineSale[], context: UploadContext): UploadCheck {
  const problems: UploadCheck['problems'] = [];
  const fresh: number[] = [];
  const repeats: number[] = [];
  const taken: Range[] = context.recorded.map(({ first, last }) => ({ first, last }));
  sales.forEach((sale, i) => {
    const at = `sales[${i}]`;
    const before = problems.length;
    const problem = (field: string, message: string) => problems.push({ field: `${at}.${field}`, message });
    if (sale.last < sale.first) problem('last', 'last must not be below first');
    if (sale.first < context.block.first || sale.last > context.block.last) {
      problem(
        'first',
        `numbers ${sale.first}-${sale.last} are not reserved to this device (block ${context.block.first}-${context.block.last})`,
      );
    }
    const pkg = context.packages.find((p) => p.id === sale.packageId);
    if (!pkg)
      problem('packageId', `packageId must be one of ${context.packages.map((p) => p.id).join(', ')}`);
    else if (pkg.tickets !== sale.last - sale.first + 1) {
      problem(
        'last',
        `package ${pkg.id} is ${pkg.tickets} tickets; ${sale.first}-${sale.last} is ${sale.last - sale.first + 1}`,
      );
    }
    const soldAt = Date.parse(sale.soldAt);
    if (soldAt > context.now.getTime()) problem('soldAt', 'soldAt is in the future');
    if (soldAt < context.block.reservedAt.getTime())
      problem('soldAt', 'soldAt is before the block was reserved');
    if (soldAt >= context.salesCloseAt.getTime()) problem('soldAt', 'soldAt is after sales closed');
    if (typeof sale.verificationCode !== 'string' || sale.verificationCode.length === 0) {
      problem('verificationCode', 'verificationCode is required: the validation number the device printed');
    } else if (context.normalizeCode(sale.verificationCode) !== context.expectedCode(sale)) {
      problem('verificationCode', 'verificationCode is not the code of this range under the block key');
    }
    if (problems.length > before) return;
    const repeat = context.recorded.find((r) => r.first === sale.first && r.last === sale.last);
    if (repeat) {
      repeats.push(i);
      return;
    }
    if (taken.some((r) => sale.first <= r.last && r.first <= sale.last)) {
      problem(
        'first',
        `numbers ${sale.first}-${sale.last} overlap a sale already recorded or in this upload`,
      );
      return;
    }
    taken.push({ first: sale.first, last: sale.last });
    fresh.push(i);
  });
  return { problems, fresh, repeats };
}

/** The parts of [first, last] that no sold range covers, in order. */
export function unsoldRanges(block: Range, sold: readonly Range[]): Range[] {
  const gaps: Range[] = [];
  let next = block.first;
  for (const range of [...sold].sort((a, b) => a.first - b.first)) {
    if (range.first > next) gaps.push({ first: next, last: range.first - 1 });
    next = Math.max(next, range.last + 1);
  }
  if (next <= block.last) gaps.push({ first: next, last: block.last });
  return gaps;
}

export function countNumbers(ranges: readonly Range[]): number {
  return ranges.reduce((sum, r) => sum + r.last - r.first + 1, 0);
}
