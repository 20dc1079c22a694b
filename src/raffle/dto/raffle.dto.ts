import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PagedListQuery } from '../../common/paged-list-query.dto.js';
import { JURISDICTION_CODES } from '../../jurisdiction/jurisdiction-profiles.js';
import { RAFFLE_STATUSES } from '../raffle-lifecycle.js';
import {
  DRAW_METHODS,
  MAX_AMOUNT_MINOR,
  MAX_TICKETS,
  PRIZE_KINDS,
  RAFFLE_TYPES,
  RULE_ID,
  SALE_CHANNELS,
  WINNER_EXCLUSIONS,
  type DrawMethod,
  type PrizeKind,
  type RaffleType,
  type SaleChannel,
  type WinnerExclusion,
} from '../raffle-rules.js';
import type { JurisdictionCode } from '../../jurisdiction/jurisdiction-profiles.js';
import type { RaffleStatus } from '../raffle-lifecycle.js';

/** A UTC ISO-8601 time with an explicit offset: a time without one would depend on the server. */
export function IsTimestamp() {
  return applyDecorators(
    IsISO8601({ strict: true }),
    Matches(/(?:Z|[+-]\d{2}:\d{2})$/, { message: '$property must end with Z or a ±hh:mm offset' }),
  );
}

export class PricePackageDto {
  @ApiProperty({ example: 'five', pattern: RULE_ID.source })
  @Matches(RULE_ID, { message: 'id must be 1-32 letters, digits, _ or -' })
  id!: string;

  @ApiProperty({ example: 5, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_TICKETS)
  tickets!: number;

  @ApiProperty({ example: 2000, description: 'Price of the package in minor units' })
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_MINOR)
  priceMinor!: number;

  @ApiPropertyOptional({ example: '5 for $20', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  label?: string | null;
}

export class PrizeDto {
  @ApiProperty({ example: 'main', pattern: RULE_ID.source })
  @Matches(RULE_ID, { message: 'id must be 1-32 letters, digits, _ or -' })
  id!: string;

  @ApiProperty({ example: '50/50 main prize' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name!: string;

  @ApiProperty({ enum: PRIZE_KINDS })
  @IsIn(PRIZE_KINDS)
  kind!: PrizeKind;

  @ApiPropertyOptional({
    example: '2026-12-24T20:00:00Z',
    description: 'The draw time; give this or drawCron',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsTimestamp()
  drawAt?: string | null;

  @ApiPropertyOptional({
    example: '0 20 * * 5',
    description: 'A recurring draw schedule (cron, UTC) inside the sales window; not for MAIN',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  drawCron?: string | null;

  @ApiPropertyOptional({
    description: 'Value of a fixed prize in minor units (omit for a computed 50/50 main prize)',
    nullable: true,
    type: Number,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_MINOR)
  amountMinor?: number | null;

  @ApiPropertyOptional({ example: 'Electric car, 2026 model', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({
    enum: WINNER_EXCLUSIONS,
    default: 'raffle',
    description:
      'Which earlier winners this prize is drawn without (journaled with every draw of it; frozen with the rules). ' +
      'Left out, a new or edited prize is stored with raffle (a ticket wins at most one prize of the raffle); ' +
      'rules stored before the field existed read as seal, the rule they were drawn with. ' +
      'seal: a ticket that won another prize (an early bird) stays in and may win this one too, as paper raffles ' +
      'return early-bird tickets to the drum; raffle: a ticket that won any earlier draw of the raffle, early ' +
      'birds included, cannot win this prize (one win per ticket); none: no earlier winner is left out. Tickets ' +
      'whose win a redraw replaced are out of every later draw whatever the choice.',
  })
  // Left out means `raffle` (stored explicitly); null is refused rather than read as a choice nobody made.
  @ValidateIf((prize: PrizeDto) => prize.winnerExclusion !== undefined)
  @IsIn(WINNER_EXCLUSIONS)
  winnerExclusion?: WinnerExclusion;
}

export class LicenseeDto {
  @ApiProperty({ example: 'Seattle Hospital Foundation' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: '+1 206 555 0100, raffle@example.org' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  contact!: string;
}

export class CreateRaffleDto {
  @ApiProperty({ example: 'RAF-2026-000123' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  licenseNumber!: string;

  @ApiProperty({ example: 'Hospital Foundation 50/50' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name!: string;

  @ApiProperty({ description: 'The rules of play as licensed' })
  @IsString()
  @MinLength(1)
  @MaxLength(20_000)
  rulesText!: string;

  @ApiProperty({ enum: RAFFLE_TYPES })
  @IsIn(RAFFLE_TYPES)
  type!: RaffleType;

  @ApiProperty({ example: 'CAD', description: 'ISO 4217 code' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CAD' })
  currency!: string;

  @ApiProperty({
    enum: JURISDICTION_CODES,
    description: 'The jurisdiction profile whose rules apply; frozen with the rules',
  })
  @IsIn(JURISDICTION_CODES)
  jurisdiction!: JurisdictionCode;

  @ApiProperty({ type: [PricePackageDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PricePackageDto)
  packages!: PricePackageDto[];

  @ApiProperty({ example: '2026-12-01T14:00:00Z' })
  @IsTimestamp()
  salesOpenAt!: string;

  @ApiProperty({ example: '2026-12-24T19:00:00Z' })
  @IsTimestamp()
  salesCloseAt!: string;

  @ApiProperty({ example: 1_000_000 })
  @IsInt()
  @Min(1)
  @Max(MAX_TICKETS)
  maxTickets!: number;

  @ApiProperty({ example: 30, description: 'Largest package a raffle may offer, in tickets' })
  @IsInt()
  @Min(1)
  @Max(MAX_TICKETS)
  maxTicketsPerOrder!: number;

  @ApiPropertyOptional({
    example: 300,
    description: 'Per identified buyer (online buyers give a buyerReference)',
    nullable: true,
    type: Number,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TICKETS)
  maxTicketsPerBuyer?: number | null;

  @ApiProperty({ type: [PrizeDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PrizeDto)
  prizes!: PrizeDto[];

  @ApiPropertyOptional({
    example: 5000,
    description: 'FIFTY_FIFTY and PROGRESSIVE: share of paid sales forming the main prize (basis points)',
    nullable: true,
    type: Number,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  prizeShareBps?: number | null;

  @ApiPropertyOptional({ example: 0, description: 'Seeded amount added to the computed prize (minor units)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_MINOR)
  seedMinor?: number;

  @ApiProperty({ enum: SALE_CHANNELS, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(SALE_CHANNELS, { each: true })
  channels!: SaleChannel[];

  @ApiProperty({ enum: DRAW_METHODS, description: 'RNG, or PHYSICAL where the jurisdiction requires it' })
  @IsIn(DRAW_METHODS)
  drawMethod!: DrawMethod;

  @ApiPropertyOptional({ type: LicenseeDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => LicenseeDto)
  licensee?: LicenseeDto | null;

  @ApiPropertyOptional({
    example: 'Fargo Civic Center, 207 4th St N, Fargo ND',
    description: 'Where the raffle is held, as the event summary states it (RPT-1); frozen with the rules',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  site?: string | null;

  @ApiPropertyOptional({ example: 'https://example.org/raffle/rules', nullable: true, type: String })
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true })
  rulesUrl?: string | null;

  @ApiPropertyOptional({ example: 90, nullable: true, type: Number })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3_650)
  claimDeadlineDays?: number | null;
}

/** Any subset of the rules; the merged whole is checked again. */
export class UpdateRaffleDto extends PartialType(CreateRaffleDto) {}

export class CancelRaffleDto {
  @ApiProperty({
    example: 'Licence withdrawn by the regulator',
    description: 'Journaled with the cancellation',
  })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason!: string;
}

export class RaffleParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

class RaffleListFilters {
  @ApiPropertyOptional({ enum: RAFFLE_STATUSES })
  @IsOptional()
  @IsIn(RAFFLE_STATUSES)
  status?: RaffleStatus;
}

/** Its own page, as it always had: 50 by default and at most 200, not the DEFAULT_LIST_PAGE of other lists. */
export class ListRafflesQueryDto extends PagedListQuery(RaffleListFilters, {
  defaultLimit: 50,
  maxLimit: 200,
}) {}

export class RaffleDto extends CreateRaffleDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: RAFFLE_STATUSES }) status!: RaffleStatus;
  @ApiProperty({ description: 'Increases with every change of a draft; send it back in If-Match' })
  version!: number;
  @ApiProperty({ description: 'SHA-256 (hex) of the canonical rules, journaled when sales open' })
  rulesHash!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ nullable: true, type: String }) openedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) drawnAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) settledAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelledAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) cancelReason!: string | null;
  @ApiProperty({ enum: RAFFLE_STATUSES, isArray: true }) allowedTransitions!: RaffleStatus[];
}
