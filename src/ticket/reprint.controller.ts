import { CallerOrigin } from '../audit/request-context.decorator.js';
import type { Origin } from '../audit/significant-event.js';
import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/access.decorators.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/roles.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { OrderParamsDto, ReprintReceiptDto, ReprintedReceiptDto } from './dto/order.dto.js';
import { ReprintService } from './reprint.service.js';

@ApiTags('orders')
@Controller('v1')
export class ReprintController {
  constructor(private readonly reprints: ReprintService) {}

  @Post('orders/:orderId/reprint')
  @Authenticated({ roles: ['seller', 'operator', 'admin'] })
  @ApiOperation({
    summary:
      'Print a paid order’s receipt again, marked as a reprint with its number and time (TKT-6; journaled). A seller reprints only their own orders',
  })
  @ApiCreatedResponse({ type: ReprintedReceiptDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'RECEIPT_VOIDED, NO_RECEIPT' })
  reprint(
    @Param() params: OrderParamsDto,
    @Body() dto: ReprintReceiptDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<ReprintedReceiptDto> {
    return this.reprints.reprint(params.orderId, dto, who, origin);
  }
}
