import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CallerOrigin } from '../audit/request-context.decorator.js';
import type { Origin } from '../audit/significant-event.js';
import { Authenticated } from '../auth/access.decorators.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/roles.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import {
  CancelRaffleDto,
  CreateRaffleDto,
  ListRafflesQueryDto,
  RaffleDto,
  RaffleParamsDto,
  UpdateRaffleDto,
} from './dto/raffle.dto.js';
import { parseIfMatch } from './if-match.js';
import { RaffleService } from './raffle.service.js';

const TRANSITION_ERRORS = { type: ErrorResponseDto, description: 'Not allowed from the current state' };

@ApiTags('raffles')
@Controller('v1/raffles')
export class RaffleController {
  constructor(private readonly raffles: RaffleService) {}

  @Post()
  @Authenticated({ roles: ['admin', 'operator'] })
  @ApiOperation({ summary: 'Create a raffle as a DRAFT' })
  @ApiCreatedResponse({ type: RaffleDto })
  create(
    @Body() dto: CreateRaffleDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<RaffleDto> {
    return this.raffles.create(dto, who, origin);
  }

  @Get()
  @Authenticated({ roles: ['admin', 'operator', 'auditor', 'seller'] })
  @ApiOperation({ summary: 'List raffles, newest first' })
  @ApiOkResponse({ type: [RaffleDto] })
  list(@Query() query: ListRafflesQueryDto): Promise<RaffleDto[]> {
    return this.raffles.list(query);
  }

  @Get(':id')
  @Authenticated({ roles: ['admin', 'operator', 'auditor', 'seller'] })
  @ApiOperation({ summary: 'One raffle with its rules and lifecycle' })
  @ApiOkResponse({ type: RaffleDto })
  get(@Param() params: RaffleParamsDto): Promise<RaffleDto> {
    return this.raffles.get(params.id);
  }

  @Patch(':id')
  @Authenticated({ roles: ['admin', 'operator'] })
  @ApiOperation({ summary: 'Change a DRAFT (refused once sales have opened)' })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The version the change is based on, e.g. "3"',
  })
  @ApiOkResponse({ type: RaffleDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'RULES_FROZEN: the raffle is no longer a draft',
  })
  @ApiPreconditionFailedResponse({ type: ErrorResponseDto, description: 'VERSION_MISMATCH' })
  update(
    @Param() params: RaffleParamsDto,
    @Body() dto: UpdateRaffleDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<RaffleDto> {
    return this.raffles.update(params.id, dto, parseIfMatch(ifMatch), who, origin);
  }

  @Post(':id/open')
  @HttpCode(200)
  @Authenticated({ roles: ['admin', 'operator'] })
  @ApiOperation({ summary: 'DRAFT → OPEN: freeze the rules and start selling (inside the sales window)' })
  @ApiOkResponse({ type: RaffleDto })
  @ApiConflictResponse(TRANSITION_ERRORS)
  open(
    @Param() params: RaffleParamsDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<RaffleDto> {
    return this.raffles.open(params.id, who, origin);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Authenticated({ roles: ['admin', 'operator'] })
  @ApiOperation({
    summary: 'OPEN → CLOSED before the end of the window (it also closes by itself at the end)',
  })
  @ApiOkResponse({ type: RaffleDto })
  @ApiConflictResponse(TRANSITION_ERRORS)
  close(
    @Param() params: RaffleParamsDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<RaffleDto> {
    return this.raffles.close(params.id, who, origin);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated({ roles: ['admin', 'operator'] })
  @ApiOperation({ summary: 'Cancel a raffle before its draw; every paid order is refunded' })
  @ApiOkResponse({ type: RaffleDto })
  @ApiConflictResponse(TRANSITION_ERRORS)
  cancel(
    @Param() params: RaffleParamsDto,
    @Body() dto: CancelRaffleDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<RaffleDto> {
    return this.raffles.cancel(params.id, dto.reason, who, origin);
  }
}
