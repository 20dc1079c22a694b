import type { ModuleInfo, TokenInfo } from 'pkcs11js';

/** Which device and library produced the bytes: recorded with every draw. */
export interface TokenIdentity {
  label: string;
  manufacturer: string;
  model: string;
  serial: string;
  libraryManufacturer: string;
  libraryDescription: string;
  libraryVersion: string;
}

/** PKCS#11 pads its fixed-width strings with blanks (and some modules with NULs). */
function unpad(text: string): string {
  return text.replace(/[\s\0]+$/u, '');
}

export function tokenIdentity(token: TokenInfo, library: ModuleInfo): TokenIdentity {
  return {
    label: unpad(token.label),
    manufacturer: unpad(token.manufacturerID),
    model: unpad(token.model),
    serial: unpad(token.serialNumber),
    libraryManufacturer: unpad(library.manufacturerID),
    libraryDescription: unpad(library.libraryDescription),
    libraryVersion: `${library.libraryVersion.major}.${library.libraryVersion.minor}`,
  };
}

/** The same physical token: a re-initialised connection must land on it, or draws stop. */
export function sameToken(a: TokenIdentity, b: TokenIdentity): boolean {
  return (
    a.label === b.label && a.manufacturer === b.manufacturer && a.model === b.model && a.serial === b.serial
  );
}

/** An RFC 7512 PKCS#11 URI naming the token and the library, e.g. `pkcs11:token=fairdraw;…`. */
export function pkcs11Uri(identity: TokenIdentity): string {
  const attributes: Array<[string, string]> = [
    ['token', identity.label],
    ['manufacturer', identity.manufacturer],
    ['model', identity.model],
    ['serial', identity.serial],
    ['library-manufacturer', identity.libraryManufacturer],
    ['library-description', identity.libraryDescription],
    ['library-version', identity.libraryVersion],
  ];
  return `pkcs11:${attributes.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join(';')}`;
}
