import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MAX_AMOUNT_MINOR } from '../../../raffle/raffle-rules.js';
import {
  CONTACT_CHANNELS,
  CONTACT_OUTCOMES,
  IDENTITY_DOCUMENTS,
  PAYMENT_METHODS,
  type ContactChannel,
  type ContactOutcome,
  type IdentityDocument,
  type PaymentMethod,
} from '../../core/claim-entries.js';
import { MAX_TICKET_NUMBER } from '../../core/index.js';
import { JournalReferenceDto } from '../../dto/draw.dto.js';

// --- requests -----------------------------------------------------------------------------------

export class ContactAttemptDto {
  @ApiProperty({ enum: CONTACT_CHANNELS })
  @IsIn(CONTACT_CHANNELS, { message: `channel must be one of ${CONTACT_CHANNELS.join(', ')}` })
  channel!: ContactChannel;

  @ApiProperty({ enum: CONTACT_OUTCOMES })
  @IsIn(CONTACT_OUTCOMES, { message: `outcome must be one of ${CONTACT_OUTCOMES.join(', ')}` })
  outcome!: ContactOutcome;

  @ApiProperty({
    example: '+1 613 555 0134',
    minLength: 1,
    maxLength: 320,
    description:
      'The number, address or place used (personal data: stored apart, journaled only as a commitment)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  contact!: string;

  @ApiPropertyOptional({
    example: 'voicemail; asked to call the foundation office',
    maxLength: 1000,
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;

  @ApiPropertyOptional({
    example: 48213,
    description: 'The winner contacted; needed only when the draw has several standing winners',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TICKET_NUMBER)
  ticket?: number;
}

export class ClaimantDto {
  @ApiProperty({ example: 'Jane Q. Winner', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: 'jane@example.org', maxLength: 320, type: String })
  @IsOptional()
  @IsEmail({}, { message: 'claimant.email must be an email address' })
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ example: '+1 613 555 0134', maxLength: 40, type: String })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({ example: '12 Main St, Ottawa ON K1A 0A1', maxLength: 500, type: String })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  address?: string;
}

export class IdentityDocumentDto {
  @ApiProperty({ enum: IDENTITY_DOCUMENTS, description: 'The document the claimant was identified by' })
  @IsIn(IDENTITY_DOCUMENTS, { message: `type must be one of ${IDENTITY_DOCUMENTS.join(', ')}` })
  type!: IdentityDocument;

  @ApiProperty({ example: 'D1234-56789-01234', minLength: 1, maxLength: 100, description: 'Its number' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  reference!: string;
}

export class PrizePaymentDto {
  @ApiProperty({ enum: PAYMENT_METHODS, description: 'IN_KIND: a described (merchandise) prize handed over' })
  @IsIn(PAYMENT_METHODS, { message: `method must be one of ${PAYMENT_METHODS.join(', ')}` })
  method!: PaymentMethod;

  @ApiProperty({ example: 'cheque 001042', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reference!: string;
}

export class PrizeClaimDto {
  @ApiProperty({
    example: 'K7QM-2XPA-9RTB-44HC',
    description: 'The validation number printed on the winning ticket, presented by the claimant',
    minLength: 16,
    maxLength: 32,
  })
  @IsString()
  @MinLength(16)
  @MaxLength(32)
  verificationCode!: string;

  @ApiProperty({ type: ClaimantDto })
  @ValidateNested()
  @Type(() => ClaimantDto)
  claimant!: ClaimantDto;

  @ApiProperty({ type: IdentityDocumentDto })
  @ValidateNested()
  @Type(() => IdentityDocumentDto)
  identityDocument!: IdentityDocumentDto;

  @ApiProperty({ type: PrizePaymentDto })
  @ValidateNested()
  @Type(() => PrizePaymentDto)
  payment!: PrizePaymentDto;

  @ApiProperty({
    example: 61728,
    nullable: true,
    type: Number,
    description:
      'Paid, in minor units: exactly the prize the draw awarded (null for a described prize, paid IN_KIND)',
  })
  @ValidateIf((o: PrizeClaimDto) => o.amountMinor !== null)
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_MINOR)
  amountMinor!: number | null;

  @ApiPropertyOptional({ maxLength: 1000, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

// --- responses ----------------------------------------------------------------------------------

export class PersonalDataStateDto {
  @ApiProperty() algorithm!: string;
  @ApiProperty({ description: 'The journaled commitment, 64 hex' }) commitment!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'The salt (64 hex): SHA-256 of canonicalJson({data, salt}) must equal the commitment; null once erased',
  })
  salt!: string | null;
  @ApiProperty({ description: 'True when the personal record was erased (the facts and the journal remain)' })
  erased!: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'When it was erased (its PERSONAL_DATA_ERASED entry, docs/privacy.md); null if not erased',
  })
  erasedAt!: string | null;
}

export class ContactAttemptViewDto {
  @ApiProperty() attemptId!: string;
  @ApiProperty() drawId!: string;
  @ApiProperty() prizeId!: string;
  @ApiProperty() ticket!: number;
  @ApiProperty({ enum: CONTACT_CHANNELS }) channel!: string;
  @ApiProperty({ enum: CONTACT_OUTCOMES }) outcome!: string;
  @ApiProperty({ nullable: true, type: String }) contact!: string | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty() attemptedBy!: string;
  @ApiProperty() attemptedAt!: string;
  @ApiProperty({ type: PersonalDataStateDto }) personalData!: PersonalDataStateDto;
  @ApiProperty({ type: JournalReferenceDto }) journal!: JournalReferenceDto;
}

export class ClaimantViewDto {
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) address!: string | null;
}

export class PrizeClaimViewDto {
  @ApiProperty() claimId!: string;
  @ApiProperty() drawId!: string;
  @ApiProperty() prizeId!: string;
  @ApiProperty() ticket!: number;
  @ApiProperty({ description: 'SHA-256 of the validation number presented (as TICKETS_SOLD journals it)' })
  codeHash!: string;
  @ApiProperty({ enum: IDENTITY_DOCUMENTS }) identityDocument!: string;
  @ApiProperty({ nullable: true, type: String }) identityDocumentReference!: string | null;
  @ApiProperty({ enum: PAYMENT_METHODS }) paymentMethod!: string;
  @ApiProperty({ nullable: true, type: String }) paymentReference!: string | null;
  @ApiProperty({ nullable: true, type: Number }) amountMinor!: number | null;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: ClaimantViewDto, nullable: true }) claimant!: ClaimantViewDto | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty() claimedBy!: string;
  @ApiProperty() claimedAt!: string;
  @ApiProperty({ type: PersonalDataStateDto }) personalData!: PersonalDataStateDto;
  @ApiProperty({ type: JournalReferenceDto }) journal!: JournalReferenceDto;
}

export class DrawClaimDto {
  @ApiProperty() drawId!: string;
  @ApiProperty() raffleId!: string;
  @ApiProperty() prizeId!: string;
  @ApiProperty({ type: [Number], description: 'The tickets of this draw that still stand as winners' })
  standingTickets!: number[];
  @ApiProperty({
    enum: ['CLAIMED', 'UNCLAIMED', 'SUPERSEDED', 'NO_WINNER'],
    description: 'SUPERSEDED: every winner of this draw was replaced by a redraw',
  })
  status!: 'CLAIMED' | 'UNCLAIMED' | 'SUPERSEDED' | 'NO_WINNER';
  @ApiProperty({ nullable: true, type: String, description: 'End of the claim period (null: none)' })
  claimDeadline!: string | null;
  @ApiProperty({ type: PrizeClaimViewDto, nullable: true }) claim!: PrizeClaimViewDto | null;
  @ApiProperty({ type: [ContactAttemptViewDto] }) contactAttempts!: ContactAttemptViewDto[];
}
