import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsUUID,
  Max,
  Min,
} from 'class-validator';
import { EVENT_CATEGORIES, type EventCategory } from '../../audit/event-catalogue.js';
import { REPORT_FORMAT, REPORT_KINDS } from '../core/report-document.js';

export const REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;

export class ReportRaffleParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  raffleId!: string;
}

export class ReportQueryDto {
  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    default: 'json',
    description: 'json (machine-readable, checked by the offline verifier), csv, or pdf (printable)',
  })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format: (typeof REPORT_FORMATS)[number] = 'json';

  @ApiPropertyOptional({
    example: '2026-11-01T00:00:00Z',
    description: 'Start of the period (inclusive, ISO-8601; UTC unless an offset is given)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-12-01T00:00:00Z',
    description: 'End of the period (exclusive, ISO-8601)',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({
    minimum: 0,
    description:
      'Compute the report from the first atTreeSize journal entries (default: the whole journal now). The export bundle pins every report to one size.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  atTreeSize?: number;
}

export class RegisterQueryDto extends ReportQueryDto {
  @ApiPropertyOptional({
    enum: ['ranges', 'numbers'],
    default: 'ranges',
    description: 'ranges: one row per range of one status; numbers: one row per number (streamed)',
  })
  @IsOptional()
  @IsIn(['ranges', 'numbers'])
  rows: 'ranges' | 'numbers' = 'ranges';
}

export class EventsQueryDto extends ReportQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the events about this raffle' })
  @IsOptional()
  @IsUUID()
  raffleId?: string;

  @ApiPropertyOptional({
    description: `Comma-separated categories (default: all but sales): ${EVENT_CATEGORIES.join(', ')}`,
    example: 'security,integrity,rng',
    type: String,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value,
  )
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(EVENT_CATEGORIES, { each: true, message: `categories must be among ${EVENT_CATEGORIES.join(', ')}` })
  categories?: EventCategory[];
}

export class ComplaintsReportQueryDto extends ReportQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the complaints about this raffle' })
  @IsOptional()
  @IsUUID()
  raffleId?: string;
}

class LedgerDigestStatedDto {
  @ApiProperty() treeSize!: number;
  @ApiProperty({ description: 'RFC 9162 root of the first treeSize entries, lowercase hex' })
  rootHash!: string;
  @ApiProperty({ description: 'The signed C2SP checkpoint of that size' }) checkpoint!: string;
}

class ReconciliationLineDto {
  @ApiProperty() figure!: string;
  @ApiProperty() journal!: number;
  @ApiProperty() operational!: number;
  @ApiProperty() matches!: boolean;
}

class ReconciliationDto {
  @ApiProperty({ nullable: true, type: Boolean }) matches!: boolean | null;
  @ApiProperty() note!: string;
  @ApiProperty({ type: [ReconciliationLineDto] }) lines!: ReconciliationLineDto[];
}

class ReportColumnDto {
  @ApiProperty() key!: string;
  @ApiProperty() label!: string;
  @ApiPropertyOptional({ enum: ['text', 'int', 'money'] }) kind?: string;
}

class ReportSectionDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiPropertyOptional() note?: string;
  @ApiProperty({ type: [ReportColumnDto] }) columns!: ReportColumnDto[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) rows!: object[];
}

class ReportFactDto {
  @ApiProperty() label!: string;
  @ApiProperty({ nullable: true, oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] })
  value!: string | number | boolean | null;
}

class ReportFilterDto {
  @ApiProperty({ nullable: true, type: String }) raffleId!: string | null;
  @ApiProperty({ nullable: true, type: String }) from!: string | null;
  @ApiProperty({ nullable: true, type: String }) to!: string | null;
}

/** The JSON form of every report (CSV and PDF render the same document). */
export class ReportDocumentDto {
  @ApiProperty({ example: REPORT_FORMAT }) format!: string;
  @ApiProperty({ enum: REPORT_KINDS }) report!: string;
  @ApiProperty() title!: string;
  @ApiProperty() generatedAt!: string;
  @ApiProperty({ type: ReportFilterDto }) filter!: ReportFilterDto;
  @ApiProperty({ nullable: true, type: String }) currency!: string | null;
  @ApiProperty({ type: [ReportFactDto] }) facts!: ReportFactDto[];
  @ApiProperty({ type: LedgerDigestStatedDto, description: 'The journal digest the report was computed at' })
  ledger!: LedgerDigestStatedDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The figures as the journal gives them; `npm run verify -- --bundle` recomputes them',
  })
  totals!: Record<string, unknown>;
  @ApiProperty({ type: ReconciliationDto, nullable: true }) reconciliation!: ReconciliationDto | null;
  @ApiProperty({ type: [ReportSectionDto] }) sections!: ReportSectionDto[];
}

export class AnchoredCheckpointDto {
  @ApiProperty() treeSize!: number;
  @ApiProperty({ description: 'The signed C2SP checkpoint (signed note text) as anchored' }) note!: string;
}
