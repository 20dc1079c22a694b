import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { FINANCE_KINDS } from '../core/finance-entries.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CURRENCY = /^[A-Z]{3}$/;

export class FinanceRaffleParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  raffleId!: string;
}

export class FinanceRecordParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  recordId!: string;
}

/** What every money record has: a positive amount in the raffle's currency, on a past or current UTC date. */
class MoneyRecordDto {
  @ApiProperty({ example: 12_500, minimum: 1, description: 'Integer minor units (cents), positive' })
  @Type(() => Number)
  @IsInt()
  @Min(1, { message: 'amountMinor must be a positive integer (minor units)' })
  @Max(Number.MAX_SAFE_INTEGER)
  amountMinor!: number;

  @ApiProperty({ example: 'CAD', description: "ISO 4217 code; must be the raffle's currency" })
  @Matches(CURRENCY, { message: 'currency must be a three-letter ISO 4217 code such as CAD' })
  currency!: string;

  @ApiProperty({ example: '2026-12-01', description: 'UTC calendar date (YYYY-MM-DD), not in the future' })
  @Matches(DAY, { message: 'date must be a calendar date YYYY-MM-DD' })
  date!: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  memo?: string;
}

export class RecordExpenseDto extends MoneyRecordDto {
  @ApiProperty({ example: 'printing', description: 'What the money was spent on (1-64 characters)' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  category!: string;

  @ApiProperty({ example: 'Prairie Print Ltd.', description: 'Who was paid (1-200 characters)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  payee!: string;
}

export class RecordProceedsUseDto extends MoneyRecordDto {
  @ApiProperty({ example: 'Pediatric ward equipment', description: 'The purpose (1-200 characters)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  purpose!: string;

  @ApiProperty({ example: 'Fargo Children’s Hospital', description: 'Who received it (1-200 characters)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  beneficiary!: string;
}

export class RecordDepositDto extends MoneyRecordDto {
  @ApiProperty({ example: 'DEP-2026-1201-01', description: 'The bank deposit slip or transfer reference' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  reference!: string;
}

export class RecordCashCountDto {
  @ApiProperty({ example: 'sam-seller', description: 'The seller (token subject) whose cash was counted' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  sellerId!: string;

  @ApiProperty({
    example: '2026-12-01T08:00:00Z',
    description: 'Start of the cash session (inclusive, ISO-8601)',
  })
  @IsISO8601({ strict: true })
  sessionFrom!: string;

  @ApiProperty({
    example: '2026-12-01T16:00:00Z',
    description:
      'End of the cash session (exclusive, ISO-8601), not in the future: when the cash was counted',
  })
  @IsISO8601({ strict: true })
  sessionTo!: string;

  @ApiProperty({ example: 2_500, minimum: 0, description: 'The cash counted, integer minor units' })
  @Type(() => Number)
  @IsInt()
  @Min(0, { message: 'countedMinor must be zero or a positive integer (minor units)' })
  @Max(Number.MAX_SAFE_INTEGER)
  countedMinor!: number;

  @ApiProperty({ example: 'CAD', description: "ISO 4217 code; must be the raffle's currency" })
  @Matches(CURRENCY, { message: 'currency must be a three-letter ISO 4217 code such as CAD' })
  currency!: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  memo?: string;
}

export class ReverseFinanceRecordDto {
  @ApiProperty({ example: 'Entered twice', description: 'Why the record is reversed (1-500 characters)' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class FinanceRecordDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) raffleId!: string;
  @ApiProperty({ enum: FINANCE_KINDS }) kind!: string;
  @ApiProperty({
    description:
      'Minor units: positive for a record; a cash count’s over (+) or short (-); a reversal’s is the negated original',
  })
  amountMinor!: number;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'UTC calendar date the amount belongs to (a reversal keeps its record’s)' })
  date!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The kind’s own fields' })
  details!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) reverses!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty() recordedBy!: string;
  @ApiProperty() recordedAt!: string;
}
