import { CallerOrigin } from '../../audit/request-context.decorator.js';
import type { Origin } from '../../audit/significant-event.js';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '../../auth/access.decorators.js';
import { CurrentPrincipal } from '../../auth/principal.decorator.js';
import type { Principal } from '../../auth/roles.js';
import { ErrorResponseDto } from '../../common/error-response.dto.js';
import { DrawParamsDto } from '../dto/draw.dto.js';
import {
  ContactAttemptDto,
  ContactAttemptViewDto,
  DrawClaimDto,
  PrizeClaimDto,
} from './dto/prize-claims.dto.js';
import { PrizeClaimsService } from './prize-claims.service.js';

@ApiTags('draws')
@Controller('v1/draws/:drawId')
export class PrizeClaimsController {
  constructor(private readonly claims: PrizeClaimsService) {}

  @Post('contact-attempts')
  @Authenticated({ roles: ['operator', 'admin'] })
  @ApiOperation({
    summary:
      'Record an attempt to contact the winner of a draw (DRAW-7, PLY-4), journaled as WINNER_CONTACT_ATTEMPTED; the contact and note are personal data, journaled only as a commitment',
  })
  @ApiCreatedResponse({ type: ContactAttemptViewDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'DRAW_NOT_FOUND' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'DRAW_SUPERSEDED (the winner was redrawn), NO_WINNER, NOT_A_CURRENT_WINNER',
  })
  contactAttempt(
    @Param() params: DrawParamsDto,
    @Body() dto: ContactAttemptDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<ContactAttemptViewDto> {
    return this.claims.contactAttempt(params.drawId, dto, who.sub, origin);
  }

  @Post('claim')
  @Authenticated({ roles: ['operator', 'admin'] })
  @ApiOperation({
    summary:
      'Record that the prize of a draw was claimed and paid (validation number checked, identity verified), journaled as PRIZE_CLAIMED; personal data journaled only as a commitment',
  })
  @ApiCreatedResponse({ type: DrawClaimDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'DRAW_NOT_FOUND' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description:
      'DRAW_SUPERSEDED, NO_WINNER, PRIZE_ALREADY_CLAIMED, CLAIM_DEADLINE_PASSED, CODE_NOT_WINNING_TICKET, CLAIM_AMOUNT_MISMATCH, CLAIM_PAYMENT_METHOD_MISMATCH',
  })
  claim(
    @Param() params: DrawParamsDto,
    @Body() dto: PrizeClaimDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<DrawClaimDto> {
    return this.claims.claim(params.drawId, dto, who.sub, origin);
  }

  @Get('claim')
  @Authenticated({ roles: ['operator', 'admin', 'auditor'] })
  @ApiOperation({
    summary:
      "The claim and contact attempts of a draw's winner, with the personal data and the salt that recomputes each journaled commitment",
  })
  @ApiOkResponse({ type: DrawClaimDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'DRAW_NOT_FOUND' })
  get(@Param() params: DrawParamsDto): Promise<DrawClaimDto> {
    return this.claims.view(params.drawId);
  }
}
