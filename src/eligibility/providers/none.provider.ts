import type { EligibilityRefusal } from '../core/eligibility-rules.js';
import type { GeolocationFix, GeolocationProvider } from '../geolocation-provider.js';

/**
 * Development only (refused when NODE_ENV=production): no geolocation check at all. Online orders
 * need no token and a token sent is ignored. Not certified.
 */
export class NoGeolocationProvider implements GeolocationProvider {
  readonly name = 'none' as const;
  readonly certified = false;
  readonly checks = false;

  verify(): Promise<GeolocationFix | EligibilityRefusal> {
    return Promise.reject(new Error('the none geolocation provider verifies nothing'));
  }
}
