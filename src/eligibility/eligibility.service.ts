import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Origin } from '../audit/significant-event.js';
import { DomainException } from '../common/domain.exception.js';
import { AppConfig } from '../config/environment.js';
import type { JurisdictionProfile } from '../jurisdiction/jurisdiction-profiles.js';
import {
  checkAge,
  geolocationRequired,
  isRefusal,
  type EligibilityInput,
  type EligibilityRefusal,
} from './core/eligibility-rules.js';
import type { GeolocationFix, GeolocationProvider } from './geolocation-provider.js';
import { NoGeolocationProvider } from './providers/none.provider.js';
import { JwsGeolocationProvider } from './providers/jws.provider.js';

/** Journaled (as a significant event) when an order is refused for its buyer's eligibility. */
export const SALE_DENIED = 'SALE_DENIED';

const CLOCK_TOLERANCE_SECONDS = 30;

/** The members of an order request that only eligibility reads; they leave the request here. */
export interface OrderEligibility {
  channel: string;
  dateOfBirth?: string;
  ageChecked?: boolean;
  geolocationToken?: string;
}

type WithoutEligibility<T> = Omit<T, 'dateOfBirth' | 'ageChecked' | 'geolocationToken'>;

/** What this service needs of a raffle: where it is licensed and whether it sells now. */
export interface EligibilityRaffle {
  id: string;
  status: string;
  profile: JurisdictionProfile;
}

/**
 * PLY-2: whether the buyer of an order may buy, by the raffle's jurisdiction profile (age, the
 * seller's in-person attestation, online geolocation). The date of birth and the token are read
 * and dropped: neither is stored nor journaled. A refusal changes no sale; it is journaled as a
 * SALE_DENIED significant event holding only non-personal facts.
 */
@Injectable()
export class EligibilityService {
  private readonly logger = new Logger(EligibilityService.name);
  readonly provider: GeolocationProvider;

  constructor(
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {
    this.provider =
      config.GEOLOCATION_PROVIDER === 'jws'
        ? new JwsGeolocationProvider({
            jwksUrl: config.GEOLOCATION_JWKS_URL,
            publicKeyPem: config.GEOLOCATION_PUBLIC_KEY,
            issuer: config.GEOLOCATION_ISSUER!,
            audience: config.GEOLOCATION_AUDIENCE,
            certified: config.GEOLOCATION_CERTIFIED,
          })
        : new NoGeolocationProvider();
    if (!this.provider.certified) {
      this.logger.warn(
        `geolocation provider ${this.provider.name} is not declared certified (GEOLOCATION_CERTIFIED)`,
      );
    }
  }

  /**
   * Checks the buyer's eligibility for an order of `raffle` and returns the order request without
   * its eligibility members (so that they reach neither the idempotency fingerprint nor storage).
   * Refuses with 403/422 naming the field. A raffle that does not sell now is not checked: only a
   * retry of an accepted order can succeed there, and it was checked when it was accepted.
   */
  async admit<T extends OrderEligibility>(
    raffle: EligibilityRaffle,
    request: T,
    idempotencyKey: string,
    origin: Origin,
  ): Promise<WithoutEligibility<T>> {
    const { dateOfBirth, ageChecked, geolocationToken, ...order } = request;
    if (raffle.status !== 'OPEN') return order;
    const input: EligibilityInput = { channel: request.channel, dateOfBirth, ageChecked, geolocationToken };
    const rule = raffle.profile.eligibility.value;
    const now = new Date();
    const ageRefusal = checkAge(rule, input, now);
    if (ageRefusal) return this.refuse(raffle, input, ageRefusal, origin);
    if (input.channel !== 'ONLINE' || !this.provider.checks) return order;
    const missing = geolocationRequired(rule, input);
    if (missing) return this.refuse(raffle, input, missing, origin);
    if (geolocationToken === undefined) return order;
    let fix: GeolocationFix | EligibilityRefusal;
    try {
      fix = await this.provider.verify(geolocationToken, {
        regions: rule.onlineGeolocation.regions,
        nonce: idempotencyKey,
        now,
        maxAgeSeconds: this.config.GEOLOCATION_MAX_TOKEN_AGE_SECONDS,
        clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
      });
    } catch (error) {
      this.logger.error(`geolocation provider keys unavailable: ${String(error)}`);
      throw new DomainException(
        503,
        'GEOLOCATION_PROVIDER_UNAVAILABLE',
        "the geolocation provider's keys cannot be read now; retry with the same Idempotency-Key",
      );
    }
    if (isRefusal(fix)) return this.refuse(raffle, input, fix, origin);
    return order;
  }

  private async refuse(
    raffle: EligibilityRaffle,
    input: EligibilityInput,
    refusal: EligibilityRefusal,
    origin: Origin,
  ): Promise<never> {
    await this.audit.record({
      type: SALE_DENIED,
      subject: `raffle/${raffle.id}`,
      actor: origin.actor,
      outcome: 'denied',
      component: 'eligibility',
      source: origin.source,
      requestId: origin.requestId,
      details: {
        raffleId: raffle.id,
        jurisdiction: raffle.profile.code,
        channel: input.channel,
        code: refusal.code,
        field: refusal.field,
        minimumAge: raffle.profile.eligibility.value.minimumAge,
        geolocationProvider: input.channel === 'ONLINE' ? this.provider.name : null,
        geolocationCertified: input.channel === 'ONLINE' ? this.provider.certified : null,
      },
    });
    throw new DomainException(refusal.status, refusal.code, refusal.message, [
      { field: refusal.field, messages: [refusal.message] },
    ]);
  }
}
