import {
  allJurisdictionProfiles,
  isJurisdictionCode,
  JURISDICTION_CODES,
  jurisdictionProfile,
  RECEIPT_FIELDS,
  type JurisdictionProfile,
  type Traced,
} from './jurisdiction-profiles.js';

const CHECKLIST_ID = /^(RNG|TKT|SALE|DRAW|PRIZE|LOG|RPT|DATA|SEC|COM|SWI|CXL|POS|PLY)-\d+$/;

function tracedRules(profile: JurisdictionProfile): Array<[string, Traced<unknown>]> {
  return Object.entries(profile).filter(
    (entry): entry is [string, Traced<unknown>] =>
      typeof entry[1] === 'object' && entry[1] !== null && 'trace' in entry[1],
  );
}

describe('jurisdiction profiles', () => {
  it('declares the four required profiles, each under its own code', () => {
    expect(allJurisdictionProfiles().map((p) => p.code)).toEqual([
      'ON-AGCO',
      'WA-GCC',
      'ND-AG',
      'GLI31-DEFAULT',
    ]);
    for (const code of JURISDICTION_CODES) expect(jurisdictionProfile(code).code).toBe(code);
    expect(isJurisdictionCode('ON-AGCO')).toBe(true);
    expect(isJurisdictionCode('on-agco')).toBe(false);
    expect(isJurisdictionCode(undefined)).toBe(false);
  });

  it('traces every rule of every profile to at least one checklist ID', () => {
    for (const profile of allJurisdictionProfiles()) {
      const rules = tracedRules(profile);
      expect(rules.map(([name]) => name).sort()).toEqual(
        [
          'eligibility',
          'numberReservation',
          'onlineRngDraw',
          'prizeShare',
          'receiptFields',
          'reconcileBeforeDraw',
          'responsibleGambling',
          'retention',
          'salesFinal',
          'unclaimedPrize',
        ].sort(),
      );
      for (const [name, rule] of rules) {
        const ids = rule.trace.filter((t) => CHECKLIST_ID.test(t));
        expect({ profile: profile.code, name, ids: ids.length > 0 }).toEqual({
          profile: profile.code,
          name,
          ids: true,
        });
      }
    }
  });

  it('forbids number reservation where numbers must not be issued before a purchase', () => {
    expect(jurisdictionProfile('ON-AGCO').numberReservation.value.allowed).toBe(false);
    expect(jurisdictionProfile('ON-AGCO').numberReservation.trace).toEqual(
      expect.arrayContaining(['TKT-3', 'AGCO T&C 4.9']),
    );
    expect(jurisdictionProfile('WA-GCC').numberReservation.value.allowed).toBe(false);
    expect(jurisdictionProfile('ND-AG').numberReservation.value).toEqual({
      allowed: true,
      maxBlockSize: 5_000,
    });
  });

  it('bars RNG draws for online sales in North Dakota only', () => {
    expect(jurisdictionProfile('ND-AG').onlineRngDraw.value.allowed).toBe(false);
    expect(jurisdictionProfile('ND-AG').onlineRngDraw.trace).toContain('DRAW-8');
    for (const code of ['ON-AGCO', 'WA-GCC', 'GLI31-DEFAULT'] as const) {
      expect(jurisdictionProfile(code).onlineRngDraw.value.allowed).toBe(true);
    }
  });

  it('requires the Washington receipt fields on top of the base ones', () => {
    const base = jurisdictionProfile('GLI31-DEFAULT').receiptFields.value;
    const wa = jurisdictionProfile('WA-GCC').receiptFields.value;
    expect(wa).toEqual(expect.arrayContaining(base));
    expect(wa).toEqual(expect.arrayContaining(['licenseeContact', 'claimDeadline', 'needNotBePresent']));
    expect(jurisdictionProfile('ON-AGCO').receiptFields.value).toContain('purchaseJurisdiction');
    for (const profile of allJurisdictionProfiles()) {
      for (const field of profile.receiptFields.value) expect(RECEIPT_FIELDS).toContain(field);
    }
  });

  it('holds Ontario unclaimed prizes in trust for at least six months and keeps its books four years', () => {
    expect(jurisdictionProfile('ON-AGCO').unclaimedPrize.value).toEqual({
      handling: 'HOLD_IN_TRUST',
      minimumHoldDays: 183,
    });
    expect(jurisdictionProfile('ON-AGCO').retention.value.booksYears).toBe(4);
    expect(jurisdictionProfile('ND-AG').retention.value.fromQuarterEnd).toBe(true);
  });

  it('fixes the Ontario 50/50 share at one half and lets North Dakota go above it', () => {
    expect(jurisdictionProfile('ON-AGCO').prizeShare.value).toEqual({ minBps: 5_000, maxBps: 5_000 });
    expect(jurisdictionProfile('ND-AG').prizeShare.value).toEqual({ minBps: 5_000, maxBps: 10_000 });
    expect(jurisdictionProfile('WA-GCC').salesFinal.value.value).toBe(true);
  });

  it('gives every profile a responsible-gambling message, with the helpline where one is declared (PLY-3)', () => {
    const on = jurisdictionProfile('ON-AGCO').responsibleGambling.value;
    expect(on.helpline).toEqual({
      name: 'ConnexOntario',
      phone: '1-866-531-2600',
      url: 'https://www.connexontario.ca',
    });
    expect(on.message).toContain('ConnexOntario');
    expect(on.message).toContain('1-866-531-2600');
    const wa = jurisdictionProfile('WA-GCC').responsibleGambling.value;
    expect(wa.helpline?.phone).toBe('1-800-547-6133');
    expect(wa.message).toContain(wa.helpline!.phone);
    for (const code of ['ND-AG', 'GLI31-DEFAULT'] as const) {
      expect(jurisdictionProfile(code).responsibleGambling.value).toEqual({
        message: expect.stringContaining('Play responsibly'),
        helpline: null,
      });
    }
  });

  it("declares who may buy (PLY-2): 18 everywhere; geolocation online and the seller's attestation in person in Ontario and Washington", () => {
    const rule = (code: 'ON-AGCO' | 'WA-GCC' | 'ND-AG' | 'GLI31-DEFAULT') =>
      jurisdictionProfile(code).eligibility.value;
    for (const code of JURISDICTION_CODES) expect(rule(code).minimumAge).toBe(18);
    expect(rule('ON-AGCO').onlineGeolocation).toEqual({ required: true, regions: ['CA-ON'] });
    expect(rule('WA-GCC').onlineGeolocation).toEqual({ required: true, regions: ['US-WA'] });
    expect(rule('ND-AG').onlineGeolocation.required).toBe(false);
    expect(rule('GLI31-DEFAULT')).toEqual({
      minimumAge: 18,
      inPersonAgeAttestation: false,
      onlineAgeAttestation: false,
      onlineGeolocation: { required: false, regions: [] },
    });
    for (const code of ['ON-AGCO', 'WA-GCC'] as const) expect(rule(code).inPersonAgeAttestation).toBe(true);
    expect(rule('ND-AG').inPersonAgeAttestation).toBe(false);
    for (const code of ['ON-AGCO', 'WA-GCC', 'ND-AG'] as const)
      expect(rule(code).onlineAgeAttestation).toBe(true);
  });
});
