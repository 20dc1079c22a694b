import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, Public } from '../auth/access.decorators.js';
import { RaffleIdParamsDto, VerificationDto, VerificationParamsDto } from './dto/order.dto.js';
import { PublicRaffleDto, SalesSummaryDto } from './dto/raffle-sales.dto.js';
import { TicketService } from './ticket.service.js';

@ApiTags('tickets')
@Controller('v1')
export class PublicSalesController {
  constructor(private readonly tickets: TicketService) {}

  @Get('raffles/:raffleId/public')
  @Public()
  @ApiOperation({
    summary: 'Public view of a raffle: live ticket counter and the current 50/50 prize estimate',
  })
  @ApiOkResponse({ type: PublicRaffleDto })
  publicView(@Param() params: RaffleIdParamsDto): Promise<PublicRaffleDto> {
    return this.tickets.publicView(params.raffleId);
  }

  @Get('tickets/verify/:code')
  @Public()
  @ApiOperation({ summary: 'Check a validation number: valid, voided or a winner (nothing about the buyer)' })
  @ApiOkResponse({ type: VerificationDto })
  verify(@Param() params: VerificationParamsDto): Promise<VerificationDto> {
    return this.tickets.verify(params.code);
  }

  @Get('raffles/:raffleId/sales')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @ApiOperation({
    summary: 'Sales summary: every issued number accounted for (TKT-1, RPT-3), paid total, refunds',
  })
  @ApiOkResponse({ type: SalesSummaryDto })
  summary(@Param() params: RaffleIdParamsDto): Promise<SalesSummaryDto> {
    return this.tickets.salesSummary(params.raffleId);
  }
}
