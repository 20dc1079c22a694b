import {
  checkUpload,
  countNumbers,
  unsoldRanges,
  type OfflineSale,
  type UploadContext,
} from './offline-sales.js';

const reservedAt = new Date('2026-12-10T10:00:00Z');
const context = (overrides: Partial<UploadContext> = {}): UploadContext => ({
  block: { first: 101, last: 150, reservedAt },
  recorded: [],
  packages: [
    { id: 'one', tickets: 1 },
    { id: 'five', tickets: 5 },
  ],
  salesCloseAt: new Date('2026-12-10T20:00:00Z'),
  now: new Date('2026-12-10T21:00:00Z'),
  expectedCode: (r) => `code-${r.first}-${r.last}`,
  normalizeCode: (c) => c,
  ...overrides,
});
const sale = (
  first: number,
  last: number,
  packageId = last > first ? 'five' : 'one',
  soldAt = '2026-12-10T12:00:00Z',
): OfflineSale => ({
  first,
  last,
  packageId,
  soldAt,
  verificationCode: `code-${first}-${last}`,
});

describe('offline uploads', () => {
  it('accepts whole packages inside the block and recognises a retried upload', () => {
    const result = checkUpload(
      [sale(101, 105), sale(106, 106), { ...sale(107, 111), verificationCode: 'code-107-111' }],
      context({
        recorded: [{ first: 106, last: 106, code: 'code-106-106' }],
      }),
    );
    expect(result).toEqual({ problems: [], fresh: [0, 2], repeats: [1] });
  });

  it('names each problem by its sale and field', () => {
    const result = checkUpload(
      [
        sale(151, 155),
        sale(101, 103, 'five'),
        sale(101, 101, 'one', '2026-12-10T09:00:00Z'),
        sale(102, 102, 'one', '2026-12-10T20:00:00Z'),
        { ...sale(103, 103), verificationCode: 'forged' },
        sale(104, 104, 'ten'),
      ],
      context(),
    );
    expect(result.problems.map((p) => p.field)).toEqual([
      'sales[0].first',
      'sales[1].last',
      'sales[2].soldAt',
      'sales[3].soldAt',
      'sales[4].verificationCode',
      'sales[5].packageId',
    ]);
  });

  it('requires the code the device printed on every sale, a retried one included', () => {
    const { verificationCode: _, ...uncoded } = sale(101, 105);
    const result = checkUpload(
      [uncoded as OfflineSale, { ...sale(106, 106), verificationCode: '' }, sale(107, 107)],
      context({ recorded: [{ first: 106, last: 106, code: 'code-106-106' }] }),
    );
    expect(result.problems).toEqual([
      { field: 'sales[0].verificationCode', message: expect.stringContaining('required') },
      { field: 'sales[1].verificationCode', message: expect.stringContaining('required') },
    ]);
    expect(result.fresh).toEqual([2]);
  });

  it('refuses overlaps with recorded sales and within the upload', () => {
    const result = checkUpload(
      [sale(103, 107), sale(108, 112), sale(110, 110)],
      context({
        recorded: [{ first: 101, last: 105, code: 'x' }],
      }),
    );
    expect(result.problems.map((p) => p.field)).toEqual(['sales[0].first', 'sales[2].first']);
  });

  it('finds what is left unsold in a block', () => {
    expect(
      unsoldRanges({ first: 101, last: 150 }, [
        { first: 106, last: 110 },
        { first: 101, last: 102 },
        { first: 150, last: 150 },
      ]),
    ).toEqual([
      { first: 103, last: 105 },
      { first: 111, last: 149 },
    ]);
    expect(unsoldRanges({ first: 1, last: 5 }, [{ first: 1, last: 5 }])).toEqual([]);
    expect(countNumbers(unsoldRanges({ first: 1, last: 10 }, []))).toBe(10);
  });
});
