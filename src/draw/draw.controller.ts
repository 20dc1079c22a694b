import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CallerOrigin } from '../audit/request-context.decorator.js';
import type { Origin } from '../audit/significant-event.js';
import { Authenticated, Public } from '../auth/access.decorators.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/roles.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { DrawViews } from './draw-views.js';
import {
  DrawDto,
  DrawParamsDto,
  DrawProofDto,
  RaffleResultsDto,
  RaffleResultsParamsDto,
  RedrawDto,
  RunDrawDto,
  SettleRaffleDto,
} from './dto/draw.dto.js';

@ApiTags('draws')
@Controller('v1')
export class DrawController {
  constructor(private readonly views: DrawViews) {}

  @Post('draws')
  @HttpCode(200)
  @Authenticated({ roles: ['operator', 'admin'] })
  @ApiOperation({
    summary: 'Run a due draw by hand (the scheduler runs it otherwise); returns the draw, made now or before',
  })
  @ApiOkResponse({ type: DrawDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description:
      'DRAW_NOT_DUE, DRAW_WAITING (sales not settled, offline blocks out), RAFFLE_NOT_DRAWABLE, DRAW_METHOD_PHYSICAL',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description:
      'RNG_UNAVAILABLE (the RNG is failed), DRAW_RETRY_EXHAUSTED (the pool changed under the committed RNG request three times; retried later)',
  })
  run(
    @Body() dto: RunDrawDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<DrawDto> {
    return this.views.run(dto.raffleId, dto.prizeId, who.sub, origin);
  }

  @Post('draws/:drawId/redraw')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Replace one winner of a draw (ineligible or unclaimed), journaled as DRAW_REDRAWN',
  })
  @ApiOkResponse({ type: DrawDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description:
      'NOT_A_CURRENT_WINNER, ALREADY_REDRAWN, UNCLAIMED_PRIZE_HELD, CLAIM_PERIOD_OPEN, PRIZE_CLAIMED (an UNCLAIMED redraw of a claimed prize), NO_ELIGIBLE_TICKETS',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description:
      'RNG_UNAVAILABLE (the RNG is failed), DRAW_RETRY_EXHAUSTED (the pool changed under the committed RNG request three times; retried later)',
  })
  redraw(
    @Param() params: DrawParamsDto,
    @Body() dto: RedrawDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<DrawDto> {
    return this.views.redraw(params.drawId, dto, who.sub, origin);
  }

  @Get('draws/:drawId')
  @Public()
  @ApiOperation({ summary: 'One draw as journaled: winners, RNG calls and bytes, exclusions, prize amount' })
  @ApiOkResponse({ type: DrawDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param() params: DrawParamsDto): Promise<DrawDto> {
    return this.views.draw(params.drawId);
  }

  @Get('draws/:drawId/proof')
  @Public()
  @ApiOperation({
    summary:
      'Everything to recompute a draw (docs/draws.md section 6), with ledger inclusion proofs of its entries',
  })
  @ApiOkResponse({ type: DrawProofDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  proof(@Param() params: DrawParamsDto): Promise<DrawProofDto> {
    return this.views.proof(params.drawId);
  }

  @Get('raffles/:raffleId/results')
  @Public()
  @ApiOperation({ summary: 'Results of a raffle, every number from its journaled draw records' })
  @ApiOkResponse({ type: RaffleResultsDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  results(@Param() params: RaffleResultsParamsDto): Promise<RaffleResultsDto> {
    return this.views.results(params.raffleId);
  }

  @Post('raffles/:raffleId/settle')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({
    summary:
      'DRAWN -> SETTLED: every prize claimed or past its claim period (journaled as RAFFLE_SETTLED with the note, claims and unclaimed prizes)',
  })
  @ApiOkResponse({ type: RaffleResultsDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description:
      'INVALID_TRANSITION: the raffle is not DRAWN; PRIZES_UNCLAIMED: a winner has neither claimed nor passed the claim period',
  })
  settle(
    @Param() params: RaffleResultsParamsDto,
    @Body() dto: SettleRaffleDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<RaffleResultsDto> {
    return this.views.settle(params.raffleId, dto.note, who.sub, origin);
  }
}
