import { Controller, Headers, HttpCode, Post, Req, UseGuards, type RawBodyRequest } from '@nestjs/common';
import { ApiBadRequestResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { CallerOrigin } from '../audit/request-context.decorator.js';
import type { Origin } from '../audit/significant-event.js';
import { Public } from '../auth/access.decorators.js';
import { ClientRateGuard } from '../common/client-rate.guard.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { WebhookResultDto } from './dto/payment.dto.js';
import { PaymentService } from './payment.service.js';

@ApiTags('payments')
@Controller('v1/payments')
export class StripeWebhookController {
  constructor(private readonly payments: PaymentService) {}

  @Post('stripe/webhook')
  @HttpCode(200)
  @Public()
  @SkipThrottle()
  @UseGuards(ClientRateGuard)
  @ApiOperation({
    summary:
      'Stripe webhook endpoint: authenticated by its Stripe-Signature over the raw body, idempotent per event',
  })
  @ApiHeader({ name: 'Stripe-Signature', required: true })
  @ApiOkResponse({ type: WebhookResultDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'WEBHOOK_SIGNATURE_INVALID' })
  webhook(
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Headers('stripe-signature') signature: string | undefined,
    @CallerOrigin() origin: Origin,
  ): Promise<WebhookResultDto> {
    return this.payments.handleStripeWebhook(request.rawBody, signature, origin);
  }
}
