import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CallerOrigin } from '../audit/request-context.decorator.js';
import type { Origin } from '../audit/significant-event.js';
import { Authenticated } from '../auth/access.decorators.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/roles.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { ErasePersonalDataDto, ErasureDto, ListErasuresQueryDto } from './dto/privacy.dto.js';
import { PrivacyService } from './privacy.service.js';

@ApiTags('privacy')
@Controller('v1/personal-data/erasures')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  @Post()
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary:
      'Erase the personal data of a prize claim, a winner contact attempt or a complaint (data and salt deleted; PERSONAL_DATA_ERASED journaled, without personal data)',
  })
  @ApiCreatedResponse({ type: ErasureDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED naming the field' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'RECORD_NOT_FOUND' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'ALREADY_ERASED, NO_PERSONAL_DATA, RETENTION_NOT_ENDED',
  })
  erase(
    @Body() dto: ErasePersonalDataDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<ErasureDto> {
    return this.privacy.erase(dto, who.sub, origin);
  }

  @Get()
  @Authenticated({ roles: ['admin', 'auditor'] })
  @ApiOperation({ summary: 'The register of erasures, oldest first' })
  @ApiOkResponse({ type: [ErasureDto] })
  list(@Query() query: ListErasuresQueryDto): Promise<ErasureDto[]> {
    return this.privacy.list(query);
  }
}
