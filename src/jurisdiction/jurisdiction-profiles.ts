/**
 * The rules that differ by regulator, declared once per jurisdiction and traced to the checklist
 * IDs of ../shared/GLI31.md (and the source the checklist cites). A raffle names its profile when
 * it is created, the profile is frozen with the raffle's rules, and code asks the profile instead
 * of branching on a jurisdiction name.
 */

export const JURISDICTION_CODES = ['ON-AGCO', 'WA-GCC', 'ND-AG', 'GLI31-DEFAULT'] as const;
export type JurisdictionCode = (typeof JURISDICTION_CODES)[number];

/** What a ticket or receipt must show (TKT-4, TKT-5, TKT-7). */
export const RECEIPT_FIELDS = [
  'licenseNumber',
  'posId',
  'issuedAt',
  'ticketNumbers',
  'price',
  'drawId',
  'drawDates',
  'validationNumber',
  'purchaseJurisdiction',
  'licenseeName',
  'licenseeContact',
  'salesUnitId',
  'totalCost',
  'quantity',
  'rulesLocation',
  'needNotBePresent',
  'claimDeadline',
] as const;
export type ReceiptField = (typeof RECEIPT_FIELDS)[number];

/** A rule value with the checklist IDs and sources it implements. */
export interface Traced<T> {
  value: T;
  trace: string[];
}

/** Where a player finds help with problem gambling (PLY-3). */
export interface Helpline {
  name: string;
  phone: string;
  url: string | null;
}

/**
 * The responsible-gambling message every receipt carries (PLY-3), apart from the game's content. The
 * wording is the licensee's to confirm with its regulator; these are the defaults the service prints.
 */
export interface ResponsibleGamblingMessage {
  message: string;
  helpline: Helpline | null;
}

export type UnclaimedPrizeHandling = 'HOLD_IN_TRUST' | 'REDRAW_AS_RULES_ALLOW';

/**
 * Who may buy (PLY-2): the minimum age, whether an in-person seller attests per order that they
 * checked it, whether an online buyer must attest it (date of birth, never stored), and whether
 * an online sale needs a geolocation token placing the buyer in one of `regions` (ISO 3166-2 codes
 * of the licensing province or state). Not being intoxicated in person stays the seller's procedure.
 */
export interface EligibilityRule {
  minimumAge: number;
  inPersonAgeAttestation: boolean;
  onlineAgeAttestation: boolean;
  onlineGeolocation: { required: boolean; regions: string[] };
}

export interface JurisdictionProfile {
  code: JurisdictionCode;
  name: string;
  regulator: string;
  /** May a seller device reserve a block of numbers before the purchases, to sell them offline? */
  numberReservation: Traced<{ allowed: boolean; maxBlockSize: number }>;
  /** May a raffle that sells online draw its winners by RNG? */
  onlineRngDraw: Traced<{ allowed: boolean }>;
  unclaimedPrize: Traced<{ handling: UnclaimedPrizeHandling; minimumHoldDays: number }>;
  retention: Traced<{ booksYears: number; stubsYears: number; fromQuarterEnd: boolean }>;
  receiptFields: Traced<ReceiptField[]>;
  /** Sales are final: a sold ticket is not voided and refunded on request (cancellation still refunds). */
  salesFinal: Traced<{ value: boolean }>;
  /** The share of sales that forms a 50/50 (or progressive) prize, in basis points. */
  prizeShare: Traced<{ minBps: number; maxBps: number }>;
  /** Every sale, offline ones included, is recorded and reconciled before the draw. */
  reconcileBeforeDraw: Traced<{ value: true }>;
  /** The responsible-gambling message on every receipt and reprint (PLY-3). */
  responsibleGambling: Traced<ResponsibleGamblingMessage>;
  /** Who may buy: age, in-person attestation, online geolocation (PLY-2). */
  eligibility: Traced<EligibilityRule>;
}

/** TKT-4 (AGCO MTS 2.3.1) and TKT-7: what every receipt carries, everywhere. */
const BASE_RECEIPT: ReceiptField[] = [
  'licenseNumber',
  'posId',
  'issuedAt',
  'ticketNumbers',
  'price',
  'drawId',
  'drawDates',
  'validationNumber',
];

const RECONCILE: JurisdictionProfile['reconcileBeforeDraw'] = {
  value: { value: true },
  trace: ['SALE-4', 'AGCO T&C 2.5, 4.11', 'WAC 230-11-320(7)'],
};

/** Where no regulator's wording is declared: a message with no helpline of a particular place. */
const GENERIC_RESPONSIBLE_GAMBLING: ResponsibleGamblingMessage = {
  message:
    'Play responsibly: buy only what you can afford to lose. If gambling stops being fun for you or someone you know, contact a problem gambling helpline for free, confidential help.',
  helpline: null,
};

const PROFILES: Record<JurisdictionCode, JurisdictionProfile> = {
  'ON-AGCO': {
    code: 'ON-AGCO',
    name: 'Ontario',
    regulator: 'Alcohol and Gaming Commission of Ontario',
    numberReservation: {
      value: { allowed: false, maxBlockSize: 0 },
      trace: ['TKT-3', 'AGCO T&C 4.9'],
    },
    onlineRngDraw: { value: { allowed: true }, trace: ['DRAW-8', 'AGCO glossary (Draw)'] },
    unclaimedPrize: {
      value: { handling: 'HOLD_IN_TRUST', minimumHoldDays: 183 },
      trace: ['DRAW-7', 'AGCO raffle T&C 6.3'],
    },
    retention: {
      value: { booksYears: 4, stubsYears: 1, fromQuarterEnd: false },
      trace: ['DATA-5', 'AGCO raffle T&C 9.2, 9.5'],
    },
    receiptFields: {
      value: [...BASE_RECEIPT, 'purchaseJurisdiction'],
      trace: ['TKT-4', 'TKT-7', 'AGCO MTS 2.3.1'],
    },
    salesFinal: { value: { value: false }, trace: ['CXL-3', 'AGCO raffle T&C 3.2'] },
    prizeShare: { value: { minBps: 5_000, maxBps: 5_000 }, trace: ['PRIZE-1', 'AGCO T&C 5.8'] },
    reconcileBeforeDraw: RECONCILE,
    responsibleGambling: {
      value: {
        message:
          'Play for fun, within your means. If you or someone you know has a problem with gambling, ConnexOntario offers free, confidential help 24/7: call 1-866-531-2600 or visit connexontario.ca.',
        helpline: { name: 'ConnexOntario', phone: '1-866-531-2600', url: 'https://www.connexontario.ca' },
      },
      trace: ['PLY-3', 'AGCO MTS 2.2 (responsible gambling information)', 'AGCO checklist'],
    },
    eligibility: {
      value: {
        minimumAge: 18,
        inPersonAgeAttestation: true,
        onlineAgeAttestation: true,
        onlineGeolocation: { required: true, regions: ['CA-ON'] },
      },
      trace: ['PLY-2', 'AGCO raffle T&C 5.1, 5.3', 'AGCO T&C 4.1'],
    },
  },
  'WA-GCC': {
    code: 'WA-GCC',
    name: 'Washington',
    regulator: 'Washington State Gambling Commission',
    numberReservation: {
      value: { allowed: false, maxBlockSize: 0 },
      trace: ['TKT-3', 'WAC 230-11-320(9)'],
    },
    onlineRngDraw: { value: { allowed: true }, trace: ['DRAW-8'] },
    unclaimedPrize: {
      value: { handling: 'REDRAW_AS_RULES_ALLOW', minimumHoldDays: 0 },
      trace: ['DRAW-7', 'TKT-5 (claim deadline printed on the ticket)'],
    },
    retention: {
      value: { booksYears: 3, stubsYears: 1, fromQuarterEnd: false },
      trace: ['DATA-5', 'WAC 230-11-105'],
    },
    receiptFields: {
      value: [
        ...BASE_RECEIPT,
        'licenseeName',
        'licenseeContact',
        'salesUnitId',
        'totalCost',
        'quantity',
        'rulesLocation',
        'needNotBePresent',
        'claimDeadline',
      ],
      trace: ['TKT-4', 'TKT-5', 'TKT-7', 'WAC 230-11-365'],
    },
    salesFinal: { value: { value: true }, trace: ['CXL-3', 'WAC 230-11-320(10)'] },
    prizeShare: {
      value: { minBps: 1, maxBps: 10_000 },
      trace: ['PRIZE-1', 'PRIZE-3', 'WAC 230-11-320(11) (the licensed rules fix the share)'],
    },
    reconcileBeforeDraw: RECONCILE,
    responsibleGambling: {
      value: {
        message:
          'Gamble responsibly. If you or someone you know has a gambling problem, call or text the Washington State Problem Gambling Helpline at 1-800-547-6133 (free, confidential, 24/7).',
        helpline: {
          name: 'Washington State Problem Gambling Helpline',
          phone: '1-800-547-6133',
          url: 'https://www.evergreencpg.org',
        },
      },
      trace: ['PLY-3'],
    },
    eligibility: {
      value: {
        minimumAge: 18,
        inPersonAgeAttestation: true,
        onlineAgeAttestation: true,
        onlineGeolocation: { required: true, regions: ['US-WA'] },
      },
      trace: ['PLY-2', 'minimum age 18: the service default, for the licensee to confirm'],
    },
  },
  'ND-AG': {
    code: 'ND-AG',
    name: 'North Dakota',
    regulator: 'North Dakota Office of Attorney General, Gaming Division',
    numberReservation: {
      value: { allowed: true, maxBlockSize: 5_000 },
      trace: ['POS-3', 'NDAC 99-01.3-16-09.5(1)', 'RPT-2 (allocation of numbers to sales units)'],
    },
    onlineRngDraw: { value: { allowed: false }, trace: ['DRAW-8', 'NDAC 99-01.3-16-09.5'] },
    unclaimedPrize: {
      value: { handling: 'REDRAW_AS_RULES_ALLOW', minimumHoldDays: 0 },
      trace: ['DRAW-7'],
    },
    retention: {
      value: { booksYears: 3, stubsYears: 3, fromQuarterEnd: true },
      trace: ['DATA-5', 'NDAC 99-01.3-05.1-05'],
    },
    receiptFields: {
      value: [...BASE_RECEIPT],
      trace: ['TKT-4', 'TKT-7', 'NDAC 99-01.3-16-09.5(2)'],
    },
    salesFinal: { value: { value: false }, trace: ['CXL-3'] },
    prizeShare: {
      value: { minBps: 5_000, maxBps: 10_000 },
      trace: ['PRIZE-2', 'NDAC 99-01.3-05.1-03(1)'],
    },
    reconcileBeforeDraw: RECONCILE,
    responsibleGambling: {
      value: GENERIC_RESPONSIBLE_GAMBLING,
      trace: ['PLY-3', 'no North Dakota wording declared: the generic message'],
    },
    eligibility: {
      value: {
        minimumAge: 18,
        inPersonAgeAttestation: false,
        onlineAgeAttestation: true,
        onlineGeolocation: { required: false, regions: ['US-ND'] },
      },
      trace: [
        'PLY-2',
        'NDAC 99-01.3-05-01',
        'in person: the seller checks age by procedure; no per-order attestation declared for North Dakota',
        'online geolocation not declared for North Dakota: a token, when sent, must still place the buyer in US-ND',
      ],
    },
  },
  'GLI31-DEFAULT': {
    code: 'GLI31-DEFAULT',
    name: 'GLI-31 default',
    regulator: 'none (GLI-31 baseline; the strictest rule of the profiles above where they differ)',
    numberReservation: { value: { allowed: false, maxBlockSize: 0 }, trace: ['TKT-3'] },
    onlineRngDraw: { value: { allowed: true }, trace: ['DRAW-8', 'RNG-10'] },
    unclaimedPrize: {
      value: { handling: 'HOLD_IN_TRUST', minimumHoldDays: 183 },
      trace: ['DRAW-7'],
    },
    retention: {
      value: { booksYears: 4, stubsYears: 3, fromQuarterEnd: true },
      trace: ['DATA-5'],
    },
    receiptFields: { value: [...BASE_RECEIPT], trace: ['TKT-4', 'TKT-7'] },
    salesFinal: { value: { value: false }, trace: ['CXL-3'] },
    prizeShare: { value: { minBps: 1, maxBps: 10_000 }, trace: ['PRIZE-1', 'PRIZE-3'] },
    reconcileBeforeDraw: RECONCILE,
    responsibleGambling: { value: GENERIC_RESPONSIBLE_GAMBLING, trace: ['PLY-3'] },
    eligibility: {
      value: {
        minimumAge: 18,
        inPersonAgeAttestation: false,
        onlineAgeAttestation: false,
        onlineGeolocation: { required: false, regions: [] },
      },
      trace: [
        'PLY-2',
        'no licensing region: nothing required; a date of birth, when sent, is still checked against 18',
      ],
    },
  },
};

export function isJurisdictionCode(value: unknown): value is JurisdictionCode {
  return typeof value === 'string' && (JURISDICTION_CODES as readonly string[]).includes(value);
}

export function jurisdictionProfile(code: JurisdictionCode): JurisdictionProfile {
  return PROFILES[code];
}

export function allJurisdictionProfiles(): JurisdictionProfile[] {
  return JURISDICTION_CODES.map((code) => PROFILES[code]);
}
