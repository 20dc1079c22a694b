import { Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/access.decorators.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/roles.js';
import { RequestOrigin, type RequestContext } from '../audit/request-context.decorator.js';
import { DomainException } from '../common/domain.exception.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { AppConfig } from '../config/environment.js';
import { JournalCheckOutcomeDto, JournalIntegrityDto, SoftwareIntegrityDto } from './dto/integrity.dto.js';
import { JournalIntegrityService } from './journal-integrity.service.js';
import { SoftwareIntegrityService } from './software-integrity.service.js';

/**
 * Integrity checks on demand (GLI31 SWI-1: "on demand by operator or regulator"). A check changes
 * no business state: it only reads and journals what it found, so auditors may run one too; these
 * two POSTs are the only writes open to the auditor role (test/audit.e2e-spec.ts holds the list).
 */
@ApiTags('integrity')
@Controller('v1/integrity')
export class IntegrityController {
  constructor(
    private readonly config: AppConfig,
    private readonly software: SoftwareIntegrityService,
    private readonly journal: JournalIntegrityService,
  ) {}

  @Get('software')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @ApiOperation({
    summary: 'Name, version and SHA-256 of the running code, compared with the certified digest',
  })
  @ApiOkResponse({ type: SoftwareIntegrityDto })
  softwareStatus(): SoftwareIntegrityDto {
    return this.software.status();
  }

  @Get('software/manifest')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOperation({
    summary:
      'The manifest the latest digest was computed from: one `sha256sum` line per file; its SHA-256 is the digest',
  })
  @ApiOkResponse({ schema: { type: 'string' } })
  softwareManifest(): string {
    const manifest = this.software.manifest();
    if (manifest === null) {
      throw new DomainException(404, 'NO_MANIFEST', 'The running code has not been hashed successfully yet');
    }
    return manifest;
  }

  @Post('software-checks')
  @HttpCode(200)
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @ApiOperation({
    summary: 'Hash the running code now; the result is journaled (SOFTWARE_INTEGRITY_CHECKED)',
  })
  @ApiOkResponse({ type: SoftwareIntegrityDto })
  checkSoftware(
    @CurrentPrincipal() who: Principal,
    @RequestOrigin() origin: RequestContext,
  ): Promise<SoftwareIntegrityDto> {
    return this.software.check('on-demand', { actor: who, ...origin });
  }

  @Get('journal')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @ApiOperation({ summary: 'The latest re-verification of the whole journal (any replica)' })
  @ApiOkResponse({ type: JournalIntegrityDto })
  async journalStatus(): Promise<JournalIntegrityDto> {
    return {
      lastCheck: await this.journal.latest(),
      intervalSeconds: this.config.INTEGRITY_JOURNAL_INTERVAL_SECONDS,
    };
  }

  @Post('journal-checks')
  @HttpCode(200)
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @ApiOperation({
    summary: 'Re-verify the whole journal now; the result is journaled (INTEGRITY_CHECK) and returned',
  })
  @ApiOkResponse({ type: JournalCheckOutcomeDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Another replica is checking right now' })
  checkJournal(
    @CurrentPrincipal() who: Principal,
    @RequestOrigin() origin: RequestContext,
  ): Promise<JournalCheckOutcomeDto> {
    return this.journal.checkNow({ actor: who, ...origin });
  }
}
