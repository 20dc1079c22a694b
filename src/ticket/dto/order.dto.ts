import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { RULE_ID, SALE_CHANNELS } from '../../raffle/raffle-rules.js';
import { PAYMENT_PROVIDERS } from '../../payment/payment-provider.js';
import { ResponsibleGamblingValueDto } from '../../jurisdiction/dto/jurisdiction.dto.js';

export const DEVICE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export class CreateOrderDto {
  @ApiProperty({ example: 'five', description: 'The price package bought (one package per order)' })
  @Matches(RULE_ID, { message: 'packageId must be a package id of the raffle' })
  packageId!: string;

  @ApiProperty({ enum: SALE_CHANNELS })
  @IsIn(SALE_CHANNELS)
  channel!: string;

  @ApiProperty({
    enum: PAYMENT_PROVIDERS,
    description:
      'stripe: online, paid by the buyer later (tickets once paid); cash: POS and cashier; test: development only',
  })
  @IsIn(PAYMENT_PROVIDERS)
  paymentMethod!: string;

  @ApiPropertyOptional({
    example: 'pos-0042',
    description: 'The point-of-sale device (required on channel POS)',
  })
  @IsOptional()
  @Matches(DEVICE_ID, { message: 'deviceId must be 1-64 letters, digits, . _ : or -' })
  deviceId?: string;

  @ApiPropertyOptional({
    example: 'account-8f2c',
    description:
      'An opaque buyer reference (account id, e-mail) used only, hashed, to apply the per-buyer limit; never shown or journaled',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  buyerReference?: string;

  @ApiPropertyOptional({
    example: '1990-04-17',
    description:
      "PLY-2, online: the buyer's date of birth (YYYY-MM-DD), checked against the profile's minimum age at the sale time (UTC) and then dropped: never stored or journaled. Required online where the jurisdiction profile says so (Ontario, Washington, North Dakota)",
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dateOfBirth must be a date YYYY-MM-DD' })
  dateOfBirth?: string;

  @ApiPropertyOptional({
    example: true,
    description:
      'PLY-2, in person (POS, cashier): the seller confirms they checked the buyer is of age (and fit to buy). Required where the jurisdiction profile says so (Ontario, Washington); false is always refused',
  })
  @IsOptional()
  @IsBoolean()
  ageChecked?: boolean;

  @ApiPropertyOptional({
    description:
      "PLY-2, online: the geolocation provider's signed token (compact JWS) placing the buyer in the raffle's licensing region, with the order's Idempotency-Key as nonce. Required online where the profile says so (Ontario, Washington) when GEOLOCATION_PROVIDER=jws; only a hash of its id is ever journaled",
  })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(8_192)
  geolocationToken?: string;
}

export class VoidOrderDto {
  @ApiProperty({
    example: 'Printer jammed; the buyer did not receive the ticket',
    description: 'Journaled with the void',
  })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason!: string;
}

export class ReprintReceiptDto {
  @ApiPropertyOptional({ example: 'pos-0042', description: 'The device printing the copy' })
  @IsOptional()
  @Matches(DEVICE_ID, { message: 'deviceId must be 1-64 letters, digits, . _ : or -' })
  deviceId?: string;

  @ApiPropertyOptional({
    example: 'Printer jammed on the original',
    description: 'Journaled with the reprint',
  })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason?: string;
}

export class RaffleIdParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  raffleId!: string;
}

export class OrderParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  orderId!: string;
}

export class VerificationParamsDto {
  @ApiProperty({
    example: 'K7QM-2XPA-9RTB-44HC',
    description: 'The validation number printed on the receipt',
  })
  @IsString()
  @MaxLength(40)
  code!: string;
}

class ReceiptRaffleDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() licenseNumber!: string;
  @ApiProperty({ description: 'Identifies the draw the tickets enter' }) drawId!: string;
}

class LicenseeViewDto {
  @ApiProperty() name!: string;
  @ApiProperty() contact!: string;
}

class TicketRangeDto {
  @ApiProperty({ example: 101 }) first!: number;
  @ApiProperty({ example: 105 }) last!: number;
  @ApiProperty({ example: 5 }) count!: number;
}

class ReceiptPackageDto {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) label!: string | null;
  @ApiProperty() tickets!: number;
  @ApiProperty({ description: 'Minor units' }) priceMinor!: number;
}

export class ApplicableDrawDto {
  @ApiProperty() prizeId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['MAIN', 'EARLY_BIRD', 'CONSOLATION'] }) kind!: string;
  @ApiProperty({ description: 'The next draw of this prize the ticket takes part in' }) drawAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Cron schedule of a recurring draw' })
  schedule!: string | null;
}

class StatementsDto {
  @ApiProperty() needNotBePresent!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Where rules and results are posted' })
  rulesLocation!: string | null;
  @ApiProperty({ nullable: true, type: String }) claimDeadline!: string | null;
}

export class JournalReferenceDto {
  @ApiProperty({
    description: 'Sequence number of the TICKETS_SOLD entry (prove it with /v1/ledger/entries/{seq})',
  })
  seq!: number;
  @ApiProperty({ description: 'Its RFC 9162 leaf hash (hex)' }) leafHash!: string;
}

class ReceiptResponsibleGamblingDto extends ResponsibleGamblingValueDto {
  @ApiProperty({ description: 'The jurisdiction profile the message comes from', example: 'ON-AGCO' })
  jurisdiction!: string;
}

export class ReceiptDto {
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ enum: ['PAID', 'VOIDED'] }) status!: string;
  @ApiProperty({ type: ReceiptRaffleDto }) raffle!: ReceiptRaffleDto;
  @ApiProperty({ type: LicenseeViewDto, nullable: true }) licensee!: LicenseeViewDto | null;
  @ApiProperty({ example: 'Ontario' }) purchaseJurisdiction!: string;
  @ApiProperty() issuedAt!: string;
  @ApiProperty({ enum: ['ONLINE', 'POS', 'CASHIER', 'POS_OFFLINE'] }) channel!: string;
  @ApiProperty() sellerId!: string;
  @ApiProperty({ description: 'The point of sale: device id, or the channel for online and cashier sales' })
  posId!: string;
  @ApiProperty() salesUnitId!: string;
  @ApiProperty({ type: TicketRangeDto }) tickets!: TicketRangeDto;
  @ApiProperty({ type: ReceiptPackageDto }) package!: ReceiptPackageDto;
  @ApiProperty() totalMinor!: number;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: [ApplicableDrawDto] }) draws!: ApplicableDrawDto[];
  @ApiProperty({ example: 'K7QM-2XPA-9RTB-44HC', description: 'Validation number (TKT-7)' })
  verificationCode!: string;
  @ApiProperty({ example: '/v1/tickets/verify/K7QM-2XPA-9RTB-44HC' }) verifyPath!: string;
  @ApiProperty({ type: StatementsDto }) statements!: StatementsDto;
  @ApiProperty({
    type: ReceiptResponsibleGamblingDto,
    description: "PLY-3: the profile's responsible-gambling message, kept apart from the game content",
  })
  responsibleGambling!: ReceiptResponsibleGamblingDto;
  @ApiProperty({ type: JournalReferenceDto, nullable: true }) journal!: JournalReferenceDto | null;
}

export class ReprintMarkDto {
  @ApiProperty({
    example: 2,
    description: 'Which copy: 1 for the first reprint of this receipt, 2 for the next, ...',
  })
  number!: number;
  @ApiProperty() reprintedAt!: string;
  @ApiProperty() reprintedBy!: string;
  @ApiProperty({ nullable: true, type: String }) deviceId!: string | null;
  @ApiProperty({
    example: 'REPRINT #2 - printed 2026-12-06T19:40:00.000Z - original issued 2026-12-06T18:02:11.000Z',
    description: 'Printed on the copy so that it cannot pass for the original',
  })
  label!: string;
  @ApiProperty({
    type: JournalReferenceDto,
    nullable: true,
    description: 'The RECEIPT_REPRINTED entry',
  })
  journal!: JournalReferenceDto | null;
}

export class ReprintedReceiptDto extends ReceiptDto {
  @ApiProperty({ type: ReprintMarkDto }) reprint!: ReprintMarkDto;
}

export class OrderPaymentDto {
  @ApiProperty({ enum: PAYMENT_PROVIDERS }) method!: string;
  @ApiProperty({ enum: ['PAID', 'REQUIRES_PAYMENT', 'CANCELED', 'NOT_STARTED'] }) status!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Stripe: the PaymentIntent' }) intentId!:
    string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Stripe: the client secret the buyer confirms the payment with (Stripe.js)',
  })
  clientSecret!: string | null;
}

export class OrderRefundDto {
  @ApiProperty({ enum: ['REQUESTED', 'PROCESSING', 'PENDING_PROVIDER', 'SUCCEEDED', 'FAILED'] })
  status!: string;
  @ApiProperty() amountMinor!: number;
  @ApiProperty() reason!: string;
  @ApiProperty() requestedAt!: string;
  @ApiProperty({ nullable: true, type: String }) completedAt!: string | null;
}

export class OrderDto {
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ format: 'uuid' }) raffleId!: string;
  @ApiProperty({ enum: ['PENDING_PAYMENT', 'PAID', 'VOIDED', 'CANCELLED'] }) status!: string;
  @ApiProperty() channel!: string;
  @ApiProperty() packageId!: string;
  @ApiProperty() tickets!: number;
  @ApiProperty() totalMinor!: number;
  @ApiProperty() currency!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'An unpaid order releases its tickets at this time',
  })
  holdUntil!: string | null;
  @ApiProperty({ type: OrderPaymentDto }) payment!: OrderPaymentDto;
  @ApiProperty({ type: ReceiptDto, nullable: true, description: 'Present once the tickets are issued' })
  receipt!: ReceiptDto | null;
  @ApiProperty({
    example: 0,
    description: 'How many times the receipt was printed again (POST /v1/orders/{id}/reprint; TKT-6)',
  })
  reprints!: number;
  @ApiProperty({ nullable: true, type: String, description: 'When the last reprint was made' })
  lastReprintAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) closeReason!: string | null;
  @ApiProperty({ type: OrderRefundDto, nullable: true }) refund!: OrderRefundDto | null;
}

class WinningNumberDto {
  @ApiProperty() number!: number;
  @ApiProperty() prizeId!: string;
  @ApiProperty() prizeName!: string;
}

export class VerificationDto {
  @ApiProperty() verificationCode!: string;
  @ApiProperty({ enum: ['VALID', 'VOIDED', 'WINNER'] }) status!: string;
  @ApiProperty({ type: ReceiptRaffleDto }) raffle!: ReceiptRaffleDto;
  @ApiProperty({ enum: ['OPEN', 'CLOSED', 'DRAWN', 'SETTLED', 'CANCELLED'] }) raffleStatus!: string;
  @ApiProperty({ type: TicketRangeDto }) tickets!: TicketRangeDto;
  @ApiProperty() issuedAt!: string;
  @ApiProperty({ type: [ApplicableDrawDto] }) draws!: ApplicableDrawDto[];
  @ApiProperty({ type: [WinningNumberDto] }) winningNumbers!: WinningNumberDto[];
  @ApiProperty({ nullable: true, type: String }) voidedAt!: string | null;
}
