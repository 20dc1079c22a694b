import { Module } from '@nestjs/common';
import { JurisdictionController } from './jurisdiction.controller.js';
import { JurisdictionService } from './jurisdiction.service.js';

/** Jurisdiction profiles: pure data (jurisdiction-profiles.ts) and a small service over it. */
@Module({
  controllers: [JurisdictionController],
  providers: [JurisdictionService],
  exports: [JurisdictionService],
})
export class JurisdictionModule {}
