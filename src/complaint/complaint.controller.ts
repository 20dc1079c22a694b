import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { CallerOrigin } from '../audit/request-context.decorator.js';
import type { Origin } from '../audit/significant-event.js';
import { Authenticated, Public } from '../auth/access.decorators.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/roles.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { ComplaintService } from './complaint.service.js';
import {
  ChangeComplaintStatusDto,
  ComplaintDto,
  ComplaintFiledDto,
  ComplaintParamsDto,
  ComplaintReferenceParamsDto,
  FileComplaintDto,
  ListComplaintsQueryDto,
  PublicComplaintStatusDto,
} from './dto/complaint.dto.js';

/** Complaints filed from one client address per minute (on top of RATE_LIMIT_PER_MINUTE for all routes). */
export const COMPLAINTS_PER_MINUTE = 10;

@ApiTags('complaints')
@Controller('v1/complaints')
export class ComplaintController {
  constructor(private readonly complaints: ComplaintService) {}

  @Post()
  @Public()
  @Throttle({ default: { limit: COMPLAINTS_PER_MINUTE, ttl: 60_000 } })
  @ApiOperation({
    summary: `File a complaint about a raffle (PLY-4; anyone; ${COMPLAINTS_PER_MINUTE} per minute per address), journaled as COMPLAINT_FILED; contact details are optional personal data, journaled only as a commitment`,
  })
  @ApiCreatedResponse({ type: ComplaintFiledDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED naming the field' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'RAFFLE_NOT_FOUND (field raffleId)' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  file(@Body() dto: FileComplaintDto, @CallerOrigin() origin: Origin): Promise<ComplaintFiledDto> {
    return this.complaints.file(dto, origin);
  }

  @Get('status/:reference')
  @Public()
  @ApiOperation({
    summary: 'The status of a complaint by its reference; nothing the complainant wrote or gave',
  })
  @ApiOkResponse({ type: PublicComplaintStatusDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'COMPLAINT_NOT_FOUND' })
  publicStatus(@Param() params: ComplaintReferenceParamsDto): Promise<PublicComplaintStatusDto> {
    return this.complaints.publicStatus(params.reference);
  }

  @Get()
  @Authenticated({ roles: ['operator', 'admin', 'auditor'] })
  @ApiOperation({ summary: 'Complaints, oldest first, filtered by raffle, status and filing period' })
  @ApiOkResponse({ type: [ComplaintDto] })
  list(@Query() query: ListComplaintsQueryDto): Promise<ComplaintDto[]> {
    return this.complaints.list(query);
  }

  @Get(':complaintId')
  @Authenticated({ roles: ['operator', 'admin', 'auditor'] })
  @ApiOperation({ summary: 'A complaint with its text, contact details (unless erased) and history' })
  @ApiOkResponse({ type: ComplaintDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'COMPLAINT_NOT_FOUND' })
  get(@Param() params: ComplaintParamsDto): Promise<ComplaintDto> {
    return this.complaints.get(params.complaintId);
  }

  @Post(':complaintId/status')
  @Authenticated({ roles: ['operator', 'admin'] })
  @ApiOperation({
    summary:
      'Move a complaint on (OPEN → IN_REVIEW → RESOLVED | REJECTED; a resolution closes it), journaled as COMPLAINT_STATUS_CHANGED',
  })
  @ApiCreatedResponse({ type: ComplaintDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED (status, resolution)' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'COMPLAINT_NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'INVALID_TRANSITION' })
  changeStatus(
    @Param() params: ComplaintParamsDto,
    @Body() dto: ChangeComplaintStatusDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<ComplaintDto> {
    return this.complaints.changeStatus(params.complaintId, dto, who.sub, origin);
  }
}
