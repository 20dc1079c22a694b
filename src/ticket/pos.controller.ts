import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
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
import { RaffleIdParamsDto } from './dto/order.dto.js';
import {
  BlockDto,
  BlockParamsDto,
  ReserveBlockDto,
  ReservedBlockDto,
  ReturnBlockDto,
  UploadResultDto,
  UploadSalesDto,
} from './dto/pos.dto.js';
import { OfflinePosService } from './offline-pos.service.js';

@ApiTags('offline POS')
@Controller('v1')
export class PosController {
  constructor(private readonly pos: OfflinePosService) {}

  @Post('raffles/:raffleId/blocks')
  @Authenticated({ roles: ['seller', 'operator', 'admin'] })
  @ApiOperation({
    summary:
      'Reserve a block of consecutive numbers to a device for offline sales (where the jurisdiction allows it)',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description:
      'A fresh UUID per reservation; a retry with the same key and body returns the same block (and its key), never a second one',
  })
  @ApiCreatedResponse({
    type: ReservedBlockDto,
    description: 'The block and its key; Idempotent-Replayed: true when it repeats an earlier result',
  })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'RESERVATION_NOT_ALLOWED, SALES_CLOSED, SOLD_OUT, IDEMPOTENCY_KEY_REUSED',
  })
  reserve(
    @Param() params: RaffleIdParamsDto,
    @Body() dto: ReserveBlockDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<ReservedBlockDto> {
    return this.pos.reserve(params.raffleId, dto, key, who, origin);
  }

  @Get('blocks/:blockId')
  @Authenticated({ roles: ['seller', 'operator', 'admin', 'auditor'] })
  @ApiOperation({ summary: 'A reserved block: what was sold, returned, or is still out' })
  @ApiOkResponse({ type: BlockDto })
  get(@Param() params: BlockParamsDto, @CurrentPrincipal() who: Principal): Promise<BlockDto> {
    return this.pos.get(params.blockId, who);
  }

  @Post('blocks/:blockId/sales')
  @HttpCode(200)
  @Authenticated({ roles: ['seller', 'operator', 'admin'] })
  @ApiOperation({
    summary: 'Upload offline sales of a block (all or nothing; a repeated sale is recognised and skipped)',
  })
  @ApiOkResponse({ type: UploadResultDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'SALES_CLOSED, NOT_RESERVED_TO_DEVICE, BLOCK_RETURNED',
  })
  upload(
    @Param() params: BlockParamsDto,
    @Body() dto: UploadSalesDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<UploadResultDto> {
    return this.pos.upload(params.blockId, dto.deviceId, dto.sales, who, origin);
  }

  @Post('blocks/:blockId/return')
  @HttpCode(200)
  @Authenticated({ roles: ['seller', 'operator', 'admin'] })
  @ApiOperation({
    summary: 'Return the unsold numbers of a block (they never enter the draw and are never sold again)',
  })
  @ApiOkResponse({ type: BlockDto })
  returnBlock(
    @Param() params: BlockParamsDto,
    @Body() dto: ReturnBlockDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<BlockDto> {
    return this.pos.returnBlock(params.blockId, dto.deviceId, dto.reason, who, origin);
  }
}
