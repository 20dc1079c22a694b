import type { ModuleInfo, TokenInfo } from 'pkcs11js';
import { pkcs11Uri, sameToken, tokenIdentity } from './token-identity.js';

// Field values as SoftHSM 2.6 returns them through pkcs11js (blank-padded fixed-width strings).
const token = {
  label: 'fairdraw;prod/1                 ',
  manufacturerID: 'SoftHSM project                 ',
  model: 'SoftHSM v2      ',
  serialNumber: '65341efab0c8f630',
} as TokenInfo;
const library = {
  manufacturerID: 'SoftHSM                         ',
  libraryDescription: 'Implementation of PKCS11        ',
  libraryVersion: { major: 2, minor: 6 },
  cryptokiVersion: { major: 2, minor: 40 },
  flags: 0,
} as ModuleInfo;

describe('token identity', () => {
  it('strips PKCS#11 padding and keeps the fields that name the device and library', () => {
    expect(tokenIdentity(token, library)).toEqual({
      label: 'fairdraw;prod/1',
      manufacturer: 'SoftHSM project',
      model: 'SoftHSM v2',
      serial: '65341efab0c8f630',
      libraryManufacturer: 'SoftHSM',
      libraryDescription: 'Implementation of PKCS11',
      libraryVersion: '2.6',
    });
  });

  it('renders an RFC 7512 URI, percent-encoding the characters that separate attributes', () => {
    expect(pkcs11Uri(tokenIdentity(token, library))).toBe(
      'pkcs11:token=fairdraw%3Bprod%2F1;manufacturer=SoftHSM%20project;model=SoftHSM%20v2;serial=65341efab0c8f630;' +
        'library-manufacturer=SoftHSM;library-description=Implementation%20of%20PKCS11;library-version=2.6',
    );
  });

  it('treats a token with another serial number as another device', () => {
    const original = tokenIdentity(token, library);
    const replaced = tokenIdentity({ ...token, serialNumber: '0000000000000001' }, library);
    const newerLibrary = tokenIdentity(token, { ...library, libraryVersion: { major: 2, minor: 7 } });
    expect(sameToken(original, replaced)).toBe(false);
    expect(sameToken(original, newerLibrary)).toBe(true);
  });
});
