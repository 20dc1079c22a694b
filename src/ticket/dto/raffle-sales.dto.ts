import { ApiProperty } from '@nestjs/swagger';
import { PricePackageDto } from '../../raffle/dto/raffle.dto.js';

class PublicPrizeDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['MAIN', 'EARLY_BIRD', 'CONSOLATION'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) drawAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) drawCron!: string | null;
  @ApiProperty({ nullable: true, type: Number }) amountMinor!: number | null;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({
    enum: ['seal', 'raffle', 'none'],
    description:
      'Whether a ticket that already won may win this prize: seal (an early-bird winner stays in the drum), ' +
      'raffle (no ticket that won an earlier draw of the raffle), none (no earlier winner left out)',
  })
  winnerExclusion!: string;
}

export class PrizeEstimateDto {
  @ApiProperty({ description: 'The prize if sales ended now, in minor units' }) amountMinor!: number;
  @ApiProperty({ example: true, description: 'Always true before the draw (PRIZE-3)' }) isEstimate!: boolean;
  @ApiProperty({ description: 'Share of paid sales, basis points' }) shareBps!: number;
  @ApiProperty({ description: 'Seeded amount included in the estimate' }) seedMinor!: number;
  @ApiProperty({
    example: 'floor(paid, not voided sales × share / 10000) + seed; rounded down to the minor unit',
  })
  basis!: string;
}

/** What anyone may see of a raffle that is selling or has sold: live counter and 50/50 estimate (SALE-3). */
export class PublicRaffleDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() licenseNumber!: string;
  @ApiProperty() jurisdiction!: string;
  @ApiProperty({ enum: ['FIFTY_FIFTY', 'FIXED_PRIZE', 'PROGRESSIVE'] }) type!: string;
  @ApiProperty({ enum: ['OPEN', 'CLOSED', 'DRAWN', 'SETTLED', 'CANCELLED'] }) status!: string;
  @ApiProperty({ description: 'Whether a ticket can be bought right now' }) salesOpen!: boolean;
  @ApiProperty() salesOpenAt!: string;
  @ApiProperty() salesCloseAt!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: [PricePackageDto] }) packages!: PricePackageDto[];
  @ApiProperty({ type: [PublicPrizeDto] }) prizes!: PublicPrizeDto[];
  @ApiProperty({ description: 'Tickets sold (paid, not voided)' }) ticketsSold!: number;
  @ApiProperty({ type: PrizeEstimateDto, nullable: true, description: 'FIFTY_FIFTY and PROGRESSIVE only' })
  prizeEstimate!: PrizeEstimateDto | null;
  @ApiProperty({ description: 'When these figures were read' }) asOf!: string;
}

class NumberAccountDto {
  @ApiProperty({ description: 'Numbers issued: 1 to this' }) issued!: number;
  @ApiProperty({ description: 'Paid and not voided (online, POS, cashier and uploaded offline sales)' })
  sold!: number;
  @ApiProperty({ description: 'Voided after sale (refunded or cancelled)' }) voided!: number;
  @ApiProperty({ description: 'Reserved to devices, neither sold nor returned yet' }) reserved!: number;
  @ApiProperty({ description: 'Returned unsold from reserved blocks' }) returned!: number;
  @ApiProperty({ description: 'sold + voided + reserved + returned = issued, and the ranges tile 1..issued' })
  consistent!: boolean;
  @ApiProperty({ description: 'Gaps or overlaps found among the issued ranges (0 when consistent)' })
  breaks!: number;
}

class RefundTotalDto {
  @ApiProperty() status!: string;
  @ApiProperty() refunds!: number;
  @ApiProperty() amount!: number;
}

/** For operators and auditors: every number accounted for (TKT-1, RPT-3), money and refunds. */
export class SalesSummaryDto {
  @ApiProperty({ format: 'uuid' }) raffleId!: string;
  @ApiProperty() salesOpen!: boolean;
  @ApiProperty({ type: NumberAccountDto }) numbers!: NumberAccountDto;
  @ApiProperty({ description: 'Tickets held by orders awaiting payment (no numbers yet)' })
  heldTickets!: number;
  @ApiProperty({ description: 'Paid, not voided sales, minor units' }) paidTotalMinor!: number;
  @ApiProperty() soldOrders!: number;
  @ApiProperty() maxTickets!: number;
  @ApiProperty({ type: PrizeEstimateDto, nullable: true }) prizeEstimate!: PrizeEstimateDto | null;
  @ApiProperty({ type: [RefundTotalDto] }) refunds!: RefundTotalDto[];
}
