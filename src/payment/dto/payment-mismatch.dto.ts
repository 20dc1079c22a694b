import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MISMATCH_STATUSES } from '../payment.tables.js';

export const MISMATCH_FILTERS = ['UNRESOLVED', ...MISMATCH_STATUSES, 'ALL'] as const;

export class ListMismatchesQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only mismatches whose payment names an order of this raffle',
  })
  @IsOptional()
  @IsUUID()
  raffleId?: string;

  @ApiPropertyOptional({
    enum: MISMATCH_FILTERS,
    default: 'UNRESOLVED',
    description: 'UNRESOLVED: OPEN, REFUNDING, REFUND_PENDING and REFUND_FAILED; ALL: every status',
  })
  @IsOptional()
  @IsIn(MISMATCH_FILTERS)
  status: (typeof MISMATCH_FILTERS)[number] = 'UNRESOLVED';

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;
}

export class MismatchParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  mismatchId!: string;
}

export class ReviewMismatchDto {
  @ApiProperty({
    example: 'Test payment made from the Stripe dashboard by the licensee; refunded there by hand',
    description: 'Why no refund is made through Fairdraw (journaled)',
  })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason!: string;
}

export class MismatchDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'stripe' }) provider!: string;
  @ApiProperty({ description: 'The provider payment (Stripe PaymentIntent) no order of ours took' })
  intentId!: string;
  @ApiProperty({ example: 'UNKNOWN_PAYMENT_INTENT' }) kind!: string;
  @ApiProperty({ description: 'The provider event that reported the payment' }) eventId!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The order the payment names in its metadata (unverified)',
  })
  claimedOrderId!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The raffle of the named order, when it is one of ours',
  })
  raffleId!: string | null;
  @ApiProperty({ description: 'Amount received, minor units' }) amountMinor!: number;
  @ApiProperty() currency!: string;
  @ApiProperty({ enum: MISMATCH_STATUSES }) status!: string;
  @ApiProperty() detectedAt!: string;
  @ApiProperty({ nullable: true, type: String }) providerRefundId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The last refund failure' })
  lastError!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Who chose the resolution (refund or review)' })
  resolvedBy!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'When it became REFUNDED or REVIEWED' })
  resolvedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The reviewer’s reason' })
  resolutionReason!: string | null;
}
