import { applyDecorators, Controller, Get, Param, Query, type StreamableFile } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/access.decorators.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import {
  AnchoredCheckpointDto,
  ComplaintsReportQueryDto,
  EventsQueryDto,
  RegisterQueryDto,
  ReportDocumentDto,
  ReportQueryDto,
  ReportRaffleParamsDto,
} from './dto/report.dto.js';
import { ReportService } from './report.service.js';

function RaffleReport(summary: string) {
  return applyDecorators(
    ApiOperation({ summary }),
    ApiProduces('application/json', 'text/csv', 'application/pdf'),
    ApiOkResponse({ type: ReportDocumentDto, description: 'The report in the requested format' }),
    ApiNotFoundResponse({ type: ErrorResponseDto, description: 'RAFFLE_NOT_FOUND' }),
  );
}

/**
 * Reports for operators and regulators (GLI31 RPT-1..RPT-7), each as JSON, CSV or PDF, stating the
 * journal digest it was computed at. Reading only: auditors may run every one.
 */
@ApiTags('reports')
@Controller('v1/reports')
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Get('raffles/:raffleId/summary')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @RaffleReport(
    'Raffle summary: licence, sales by package and channel, prizes, 50/50 split, voids, refunds, net',
  )
  summary(@Param() params: ReportRaffleParamsDto, @Query() query: ReportQueryDto): Promise<StreamableFile> {
    return this.reports.render('raffle-summary', { ...query, raffleId: params.raffleId });
  }

  @Get('raffles/:raffleId/sales-by-seller')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @RaffleReport('Sales by seller, device, channel and payment method, with voids and net')
  salesBySeller(
    @Param() params: ReportRaffleParamsDto,
    @Query() query: ReportQueryDto,
  ): Promise<StreamableFile> {
    return this.reports.render('sales-by-seller', { ...query, raffleId: params.raffleId });
  }

  @Get('raffles/:raffleId/ticket-register')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @RaffleReport(
    'Ticket register: every number and its status (sold, voided, reserved, returned, not issued), streamed',
  )
  register(
    @Param() params: ReportRaffleParamsDto,
    @Query() query: RegisterQueryDto,
  ): Promise<StreamableFile> {
    return this.reports.render('ticket-register', {
      ...query,
      raffleId: params.raffleId,
      perNumber: query.rows === 'numbers',
    });
  }

  @Get('raffles/:raffleId/draws')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @RaffleReport('Draws and winners with links to their proofs and journal entries')
  draws(@Param() params: ReportRaffleParamsDto, @Query() query: ReportQueryDto): Promise<StreamableFile> {
    return this.reports.render('draws-and-winners', { ...query, raffleId: params.raffleId });
  }

  @Get('raffles/:raffleId/voids-and-refunds')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @RaffleReport('Every void (per order and by cancellation) and every refund event')
  voids(@Param() params: ReportRaffleParamsDto, @Query() query: ReportQueryDto): Promise<StreamableFile> {
    return this.reports.render('voids-and-refunds', { ...query, raffleId: params.raffleId });
  }

  @Get('raffles/:raffleId/unclaimed-prizes')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @RaffleReport(
    'Winners whose prize is not claimed, with the claim deadline and what the jurisdiction requires',
  )
  unclaimed(@Param() params: ReportRaffleParamsDto, @Query() query: ReportQueryDto): Promise<StreamableFile> {
    return this.reports.render('unclaimed-prizes', { ...query, raffleId: params.raffleId });
  }

  @Get('raffles/:raffleId/bearer-tickets')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @RaffleReport(
    'Bearer tickets (RPT-5): every receipt issued, with its numbers, package, price, validation-number hash, seller, channel, device, sale time, payment, status and reprints; streamed',
  )
  bearerTickets(
    @Param() params: ReportRaffleParamsDto,
    @Query() query: ReportQueryDto,
  ): Promise<StreamableFile> {
    return this.reports.render('bearer-tickets', { ...query, raffleId: params.raffleId });
  }

  @Get('raffles/:raffleId/financial-summary')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @RaffleReport(
    'Financial summary (RPT-7) per raffle and per UTC month: gross receipts, prizes, expenses, net income, use of proceeds, cash over/short, deposits',
  )
  financialSummary(
    @Param() params: ReportRaffleParamsDto,
    @Query() query: ReportQueryDto,
  ): Promise<StreamableFile> {
    return this.reports.render('financial-summary', { ...query, raffleId: params.raffleId });
  }

  @Get('significant-events')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @RaffleReport(
    'Significant events (sign-ins, denials, starts, configuration, integrity, RNG, raffle, voids, draws)',
  )
  events(@Query() query: EventsQueryDto): Promise<StreamableFile> {
    return this.reports.render('significant-events', { ...query, raffleId: query.raffleId ?? null });
  }

  @Get('complaints')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @RaffleReport(
    'Complaints (PLY-4) filed in the period, optionally of one raffle, by status, reconciled with the records; no text or contact details',
  )
  complaints(@Query() query: ComplaintsReportQueryDto): Promise<StreamableFile> {
    return this.reports.render('complaints', { ...query, raffleId: query.raffleId ?? null });
  }

  @Get('anchored-checkpoints')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @ApiOperation({
    summary:
      'Checkpoints anchored outside the database (S3 Object Lock or the local folder), for an export bundle',
  })
  @ApiOkResponse({ type: [AnchoredCheckpointDto] })
  anchoredCheckpoints(): Promise<AnchoredCheckpointDto[]> {
    return this.reports.anchoredCheckpoints();
  }
}
