import { Injectable } from '@nestjs/common';
import { DomainException } from '../common/domain.exception.js';
import {
  allJurisdictionProfiles,
  isJurisdictionCode,
  jurisdictionProfile,
  JURISDICTION_CODES,
  type JurisdictionProfile,
} from './jurisdiction-profiles.js';

/** The declared jurisdiction profiles; other modules ask here instead of branching on a name. */
@Injectable()
export class JurisdictionService {
  list(): JurisdictionProfile[] {
    return allJurisdictionProfiles();
  }

  /** The profile of `code`, or a 404 naming the known codes. */
  profile(code: string): JurisdictionProfile {
    if (!isJurisdictionCode(code)) {
      throw new DomainException(
        404,
        'JURISDICTION_NOT_FOUND',
        `no jurisdiction profile ${JSON.stringify(code)}; known: ${JURISDICTION_CODES.join(', ')}`,
      );
    }
    return jurisdictionProfile(code);
  }
}
