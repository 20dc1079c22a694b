import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CallerOrigin } from '../audit/request-context.decorator.js';
import type { Origin } from '../audit/significant-event.js';
import { Authenticated } from '../auth/access.decorators.js';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../auth/roles.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import {
  FinanceRaffleParamsDto,
  FinanceRecordDto,
  FinanceRecordParamsDto,
  RecordCashCountDto,
  RecordDepositDto,
  RecordExpenseDto,
  RecordProceedsUseDto,
  ReverseFinanceRecordDto,
} from './dto/finance.dto.js';
import { FinanceService, type FinanceRecordView } from './finance.service.js';

/**
 * The licensee's financial records of a raffle (RPT-7), journaled and append-only. Admins and
 * operators record; auditors read (and run the financial summary report, src/report).
 */
@ApiTags('finance')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED, naming the field' })
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'RAFFLE_NOT_FOUND, FINANCE_RECORD_NOT_FOUND' })
@Controller('v1/finance')
export class FinanceController {
  constructor(private readonly finance: FinanceService) {}

  @Post('raffles/:raffleId/expenses')
  @Authenticated({ roles: ['admin', 'operator'] })
  @ApiOperation({ summary: 'Record an expense of the raffle (amount, category, payee, date; journaled)' })
  @ApiCreatedResponse({ type: FinanceRecordDto })
  expense(
    @Param() params: FinanceRaffleParamsDto,
    @Body() dto: RecordExpenseDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<FinanceRecordView> {
    return this.finance.recordExpense({ ...dto, raffleId: params.raffleId }, who, origin);
  }

  @Post('raffles/:raffleId/proceeds-uses')
  @Authenticated({ roles: ['admin', 'operator'] })
  @ApiOperation({ summary: 'Record a use of the proceeds (amount, purpose, beneficiary, date; journaled)' })
  @ApiCreatedResponse({ type: FinanceRecordDto })
  proceedsUse(
    @Param() params: FinanceRaffleParamsDto,
    @Body() dto: RecordProceedsUseDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<FinanceRecordView> {
    return this.finance.recordProceedsUse({ ...dto, raffleId: params.raffleId }, who, origin);
  }

  @Post('raffles/:raffleId/deposits')
  @Authenticated({ roles: ['admin', 'operator'] })
  @ApiOperation({ summary: 'Record a bank deposit of the proceeds (amount, date, reference; journaled)' })
  @ApiCreatedResponse({ type: FinanceRecordDto })
  deposit(
    @Param() params: FinanceRaffleParamsDto,
    @Body() dto: RecordDepositDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<FinanceRecordView> {
    return this.finance.recordDeposit({ ...dto, raffleId: params.raffleId }, who, origin);
  }

  @Post('raffles/:raffleId/cash-counts')
  @Authenticated({ roles: ['admin', 'operator'] })
  @ApiOperation({
    summary:
      "Record a seller's cash count for a session: over (+) or short (-) against the cash sales journaled for that seller in the session, less those voided (journaled)",
  })
  @ApiCreatedResponse({ type: FinanceRecordDto })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'JOURNAL_NOT_SETTLED: the expected cash cannot be stated yet; retry',
  })
  cashCount(
    @Param() params: FinanceRaffleParamsDto,
    @Body() dto: RecordCashCountDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<FinanceRecordView> {
    return this.finance.recordCashCount({ ...dto, raffleId: params.raffleId }, who, origin);
  }

  @Post('records/:recordId/reverse')
  @Authenticated({ roles: ['admin', 'operator'] })
  @ApiOperation({
    summary: 'Reverse a financial record once, with a reason (a new, journaled record of the negated amount)',
  })
  @ApiCreatedResponse({ type: FinanceRecordDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'ALREADY_REVERSED, REVERSAL_NOT_REVERSIBLE' })
  reverse(
    @Param() params: FinanceRecordParamsDto,
    @Body() dto: ReverseFinanceRecordDto,
    @CurrentPrincipal() who: Principal,
    @CallerOrigin() origin: Origin,
  ): Promise<FinanceRecordView> {
    return this.finance.reverse(params.recordId, dto.reason, who, origin);
  }

  @Get('raffles/:raffleId/records')
  @Authenticated({ roles: ['admin', 'operator', 'auditor'] })
  @ApiOperation({
    summary: 'Every financial record of the raffle (reversals included), in the order recorded',
  })
  @ApiOkResponse({ type: [FinanceRecordDto] })
  records(@Param() params: FinanceRaffleParamsDto): Promise<FinanceRecordView[]> {
    return this.finance.list(params.raffleId);
  }
}
