import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { JURISDICTION_CODES, RECEIPT_FIELDS } from '../jurisdiction-profiles.js';

export class JurisdictionParamsDto {
  @ApiProperty({ enum: JURISDICTION_CODES, example: 'ON-AGCO' })
  @IsIn(JURISDICTION_CODES)
  code!: string;
}

class TraceDto {
  @ApiProperty({
    type: [String],
    description: 'Checklist IDs of ../shared/GLI31.md and the regulator sources they cite',
    example: ['TKT-3', 'AGCO T&C 4.9'],
  })
  trace!: string[];
}

class ReservationValueDto {
  @ApiProperty() allowed!: boolean;
  @ApiProperty({ description: 'Largest block one device may reserve (0 when not allowed)' })
  maxBlockSize!: number;
}
class ReservationRuleDto extends TraceDto {
  @ApiProperty({ type: ReservationValueDto }) value!: ReservationValueDto;
}

class AllowedValueDto {
  @ApiProperty() allowed!: boolean;
}
class AllowedRuleDto extends TraceDto {
  @ApiProperty({ type: AllowedValueDto }) value!: AllowedValueDto;
}

class UnclaimedValueDto {
  @ApiProperty({ enum: ['HOLD_IN_TRUST', 'REDRAW_AS_RULES_ALLOW'] }) handling!: string;
  @ApiProperty() minimumHoldDays!: number;
}
class UnclaimedRuleDto extends TraceDto {
  @ApiProperty({ type: UnclaimedValueDto }) value!: UnclaimedValueDto;
}

class RetentionValueDto {
  @ApiProperty() booksYears!: number;
  @ApiProperty() stubsYears!: number;
  @ApiProperty({ description: 'Counted from the end of the quarter' }) fromQuarterEnd!: boolean;
}
class RetentionRuleDto extends TraceDto {
  @ApiProperty({ type: RetentionValueDto }) value!: RetentionValueDto;
}

class ReceiptFieldsRuleDto extends TraceDto {
  @ApiProperty({ enum: RECEIPT_FIELDS, isArray: true }) value!: string[];
}

class FlagValueDto {
  @ApiProperty() value!: boolean;
}
class FlagRuleDto extends TraceDto {
  @ApiProperty({ type: FlagValueDto }) value!: FlagValueDto;
}

class ShareValueDto {
  @ApiProperty({ description: 'Basis points (5000 = 50 %)' }) minBps!: number;
  @ApiProperty() maxBps!: number;
}
class ShareRuleDto extends TraceDto {
  @ApiProperty({ type: ShareValueDto }) value!: ShareValueDto;
}

export class HelplineDto {
  @ApiProperty({ example: 'ConnexOntario' }) name!: string;
  @ApiProperty({ example: '1-866-531-2600' }) phone!: string;
  @ApiProperty({ nullable: true, type: String, example: 'https://www.connexontario.ca' }) url!: string | null;
}
export class ResponsibleGamblingValueDto {
  @ApiProperty({ description: 'The words printed on every receipt, apart from the game content' })
  message!: string;
  @ApiProperty({ type: HelplineDto, nullable: true }) helpline!: HelplineDto | null;
}
class ResponsibleGamblingRuleDto extends TraceDto {
  @ApiProperty({ type: ResponsibleGamblingValueDto }) value!: ResponsibleGamblingValueDto;
}

class OnlineGeolocationDto {
  @ApiProperty({ description: 'An online order must carry a geolocation token' }) required!: boolean;
  @ApiProperty({
    type: [String],
    example: ['CA-ON'],
    description: 'ISO 3166-2 codes of the licensing province or state a token must name',
  })
  regions!: string[];
}
class EligibilityValueDto {
  @ApiProperty({ example: 18 }) minimumAge!: number;
  @ApiProperty({ description: 'POS and cashier orders carry ageChecked: true (the seller checked the age)' })
  inPersonAgeAttestation!: boolean;
  @ApiProperty({ description: "Online orders carry the buyer's dateOfBirth (checked, never stored)" })
  onlineAgeAttestation!: boolean;
  @ApiProperty({ type: OnlineGeolocationDto }) onlineGeolocation!: OnlineGeolocationDto;
}
class EligibilityRuleDto extends TraceDto {
  @ApiProperty({ type: EligibilityValueDto }) value!: EligibilityValueDto;
}

export class JurisdictionProfileDto {
  @ApiProperty({ enum: JURISDICTION_CODES }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty() regulator!: string;
  @ApiProperty({ type: ReservationRuleDto }) numberReservation!: ReservationRuleDto;
  @ApiProperty({ type: AllowedRuleDto }) onlineRngDraw!: AllowedRuleDto;
  @ApiProperty({ type: UnclaimedRuleDto }) unclaimedPrize!: UnclaimedRuleDto;
  @ApiProperty({ type: RetentionRuleDto }) retention!: RetentionRuleDto;
  @ApiProperty({ type: ReceiptFieldsRuleDto }) receiptFields!: ReceiptFieldsRuleDto;
  @ApiProperty({ type: FlagRuleDto }) salesFinal!: FlagRuleDto;
  @ApiProperty({ type: ShareRuleDto }) prizeShare!: ShareRuleDto;
  @ApiProperty({ type: FlagRuleDto }) reconcileBeforeDraw!: FlagRuleDto;
  @ApiProperty({ type: ResponsibleGamblingRuleDto }) responsibleGambling!: ResponsibleGamblingRuleDto;
  @ApiProperty({ type: EligibilityRuleDto, description: 'Who may buy (PLY-2)' })
  eligibility!: EligibilityRuleDto;
}
