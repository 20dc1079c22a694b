import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsTimestamp } from '../../raffle/dto/raffle.dto.js';
import { RULE_ID } from '../../raffle/raffle-rules.js';
import { DEVICE_ID, ReceiptDto } from './order.dto.js';

export class ReserveBlockDto {
  @ApiProperty({ example: 'handheld-17', description: 'The seller device the numbers are reserved to' })
  @Matches(DEVICE_ID, { message: 'deviceId must be 1-64 letters, digits, . _ : or -' })
  deviceId!: string;

  @ApiProperty({ example: 500, description: 'How many consecutive numbers to reserve (the profile caps it)' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  tickets!: number;
}

export class OfflineSaleDto {
  @ApiProperty({ example: 101 }) @IsInt() @Min(1) first!: number;
  @ApiProperty({ example: 105 }) @IsInt() @Min(1) last!: number;

  @ApiProperty({ example: 'five' })
  @Matches(RULE_ID, { message: 'packageId must be a package id of the raffle' })
  packageId!: string;

  @ApiProperty({ example: '2026-12-24T18:42:07Z', description: 'When the device sold it (its clock, UTC)' })
  @IsTimestamp()
  soldAt!: string;

  @ApiProperty({
    example: 'K7QM-2XPA-9RTB-44HC',
    description:
      'The code the device printed: HMAC-SHA256(blockKey, "raffleId:first:last") as a validation number; checked against the block key',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  verificationCode!: string;
}

export class UploadSalesDto {
  @ApiProperty({ example: 'handheld-17' })
  @Matches(DEVICE_ID, { message: 'deviceId must be 1-64 letters, digits, . _ : or -' })
  deviceId!: string;

  @ApiProperty({ type: [OfflineSaleDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1_000)
  @ValidateNested({ each: true })
  @Type(() => OfflineSaleDto)
  sales!: OfflineSaleDto[];
}

export class ReturnBlockDto {
  @ApiPropertyOptional({
    example: 'handheld-17',
    description: 'Required from a seller; an operator may return a lost device',
  })
  @IsOptional()
  @Matches(DEVICE_ID, { message: 'deviceId must be 1-64 letters, digits, . _ : or -' })
  deviceId?: string;

  @ApiPropertyOptional({
    example: 'End of shift',
    description: 'Journaled with the return (e.g. DEVICE_LOST)',
  })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason?: string;
}

export class BlockParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  blockId!: string;
}

class RangeDto {
  @ApiProperty() first!: number;
  @ApiProperty() last!: number;
}

export class BlockDto {
  @ApiProperty({ format: 'uuid' }) blockId!: string;
  @ApiProperty({ format: 'uuid' }) raffleId!: string;
  @ApiProperty() deviceId!: string;
  @ApiProperty() sellerId!: string;
  @ApiProperty() first!: number;
  @ApiProperty() last!: number;
  @ApiProperty({ enum: ['RESERVED', 'SOLD_OUT', 'RETURNED'] }) status!: string;
  @ApiProperty() soldTickets!: number;
  @ApiProperty({ description: 'Numbers returned unsold' }) returnedTickets!: number;
  @ApiProperty({ description: 'Numbers neither uploaded as sold nor returned' }) outstandingTickets!: number;
  @ApiProperty({ type: [RangeDto], description: 'Ranges not sold (returned, or still out)' })
  unsold!: RangeDto[];
  @ApiProperty() reservedAt!: string;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) closeReason!: string | null;
}

export class ReservedBlockDto extends BlockDto {
  @ApiProperty({
    description:
      'Hex key for the device to derive offline validation numbers; shown only in this answer (and its idempotent replay to the same caller)',
  })
  blockKey!: string;
}

export class UploadResultDto {
  @ApiProperty({ type: BlockDto }) block!: BlockDto;
  @ApiProperty({ type: [ReceiptDto], description: 'Receipts of the sales recorded by this upload' })
  recorded!: ReceiptDto[];
  @ApiProperty({ description: 'Sales in this upload already recorded by an earlier one (a retried upload)' })
  alreadyRecorded!: number;
}
