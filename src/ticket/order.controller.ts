import { Body, Controller, Get, Headers, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { CallerOrigin } from '../audit/request-context.decorator.js';
import type { Origin } from '../audit/significant-event.js';
import { Authenticated } from '../auth/access.decorators.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/roles.js';
import { ClientRateGuard } from '../common/client-rate.guard.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { UuidParam } from '../common/uuid-param.pipe.js';
import { CreateOrderDto, OrderDto, OrderParamsDto, VoidOrderDto } from './dto/order.dto.js';
import { TicketService } from './ticket.service.js';
import { VoidService } from './void.service.js';

@ApiTags('orders')
@Controller('v1')
export class OrderController {
  constructor(
    private readonly tickets: TicketService,
    private readonly voids: VoidService,
  ) {}

  @Post('raffles/:raffleId/orders')
  @Authenticated({ roles: ['seller', 'operator', 'admin'] })
  @SkipThrottle()
  @UseGuards(ClientRateGuard)
  @ApiOperation({
    summary:
      'Order one package. Cash and test payments issue the tickets at once; stripe returns a PaymentIntent to confirm',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description:
      'A fresh UUID per order; a retry with the same key and body returns the same order, never a second sale',
  })
  @ApiCreatedResponse({
    type: OrderDto,
    description:
      'The order (with its receipt once paid); Idempotent-Replayed: true when it repeats an earlier result',
  })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description:
      'SALES_CLOSED, SALES_NOT_STARTED, SOLD_OUT, BUYER_LIMIT_REACHED, RAFFLE_NOT_OPEN, IDEMPOTENCY_KEY_REUSED',
  })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: 'PLY-2: UNDERAGE (dateOfBirth), GEOLOCATION_OUTSIDE (geolocationToken); nothing is sold',
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorResponseDto,
    description:
      'PLY-2: AGE_NOT_ATTESTED (dateOfBirth or ageChecked), GEOLOCATION_REQUIRED, GEOLOCATION_INVALID (geolocationToken); nothing is sold',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description:
      "PAYMENT_PROVIDER_UNAVAILABLE, GEOLOCATION_PROVIDER_UNAVAILABLE (the provider's keys): retry with the same key",
  })
  @ApiParam({ name: 'raffleId', format: 'uuid' })
  place(
    @Param('raffleId', new UuidParam('raffleId')) raffleId: string,
    @Body() dto: CreateOrderDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<OrderDto> {
    return this.tickets.placeOrder(raffleId, dto, key, who, origin);
  }

  @Get('orders/:orderId')
  @Authenticated({ roles: ['seller', 'operator', 'admin', 'auditor'] })
  @ApiOperation({ summary: 'An order with its receipt (a seller sees only their own orders)' })
  @ApiOkResponse({ type: OrderDto })
  get(@Param() params: OrderParamsDto, @CurrentPrincipal() who: Principal): Promise<OrderDto> {
    return this.tickets.getOrder(params.orderId, who);
  }

  @Post('orders/:orderId/void')
  @HttpCode(200)
  @Authenticated({ roles: ['operator', 'admin'] })
  @ApiOperation({
    summary:
      'Void a paid order before the draw: its numbers leave the draw, its refund is requested (journaled)',
  })
  @ApiOkResponse({ type: OrderDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'ORDER_NOT_VOIDABLE, SALES_FINAL' })
  void(
    @Param() params: OrderParamsDto,
    @Body() dto: VoidOrderDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<OrderDto> {
    return this.voids.voidOrder(params.orderId, dto.reason, who, origin);
  }
}
