import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { EligibilityService } from './eligibility.service.js';

/** Buyer eligibility (PLY-2): age attestation and online geolocation, by jurisdiction profile. */
@Module({
  imports: [AuditModule],
  providers: [EligibilityService],
  exports: [EligibilityService],
})
export class EligibilityModule {}
