import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
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
import {
  ListMismatchesQueryDto,
  MismatchDto,
  MismatchParamsDto,
  ReviewMismatchDto,
} from './dto/payment-mismatch.dto.js';
import { PaymentMismatchService } from './payment-mismatch.service.js';

@ApiTags('payments')
@Controller('v1/payments/mismatches')
export class PaymentMismatchController {
  constructor(private readonly mismatches: PaymentMismatchService) {}

  @Get()
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @ApiOperation({
    summary:
      'Provider payments that name one of our orders but are not the payment taken for it (unresolved by default), newest first',
  })
  @ApiOkResponse({ type: [MismatchDto] })
  list(@Query() query: ListMismatchesQueryDto): Promise<MismatchDto[]> {
    return this.mismatches.list(query);
  }

  @Post(':mismatchId/refund')
  @HttpCode(200)
  @Authenticated({ roles: ['admin', 'operator'] })
  @ApiOperation({
    summary:
      'Refund a mismatched payment through its provider (once, idempotent); journaled. The answer shows the outcome: REFUNDED, REFUND_PENDING (completed by webhook), OPEN with lastError (retry), or REFUND_FAILED',
  })
  @ApiOkResponse({ type: MismatchDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'MISMATCH_NOT_FOUND' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'MISMATCH_NOT_OPEN, MISMATCH_REFUND_IN_PROGRESS',
  })
  refund(
    @Param() params: MismatchParamsDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<MismatchDto> {
    return this.mismatches.refund(params.mismatchId, who, origin);
  }

  @Post(':mismatchId/review')
  @HttpCode(200)
  @Authenticated({ roles: ['admin', 'operator'] })
  @ApiOperation({
    summary:
      'Mark a mismatched payment reviewed, with the reason no refund is made through Fairdraw; journaled',
  })
  @ApiOkResponse({ type: MismatchDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'MISMATCH_NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'MISMATCH_NOT_OPEN' })
  review(
    @Param() params: MismatchParamsDto,
    @Body() dto: ReviewMismatchDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<MismatchDto> {
    return this.mismatches.review(params.mismatchId, dto.reason, who, origin);
  }
}
