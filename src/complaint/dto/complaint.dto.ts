import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DEFAULT_LIST_PAGE, PagedListQuery } from '../../common/paged-list-query.dto.js';
import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_STATUSES,
  COMPLAINT_TEXT_MAX,
  COMPLAINT_TEXT_MIN,
  REFERENCE_PATTERN,
  RESOLUTION_TEXT_MAX,
  type ComplaintCategory,
  type ComplaintStatus,
} from '../core/complaint-entries.js';

// --- requests -----------------------------------------------------------------------------------

export class ComplainantContactDto {
  @ApiPropertyOptional({ example: 'Jane Q. Player', maxLength: 200, type: String })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'jane@example.org', maxLength: 320, type: String })
  @IsOptional()
  @IsEmail({}, { message: 'contact.email must be an email address' })
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ example: '+1 613 555 0134', maxLength: 40, type: String })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(40)
  phone?: string;
}

export class FileComplaintDto {
  @ApiProperty({ format: 'uuid', description: 'The raffle the complaint is about' })
  @IsUUID()
  raffleId!: string;

  @ApiProperty({ enum: COMPLAINT_CATEGORIES })
  @IsIn(COMPLAINT_CATEGORIES, { message: `category must be one of ${COMPLAINT_CATEGORIES.join(', ')}` })
  category!: ComplaintCategory;

  @ApiProperty({
    minLength: COMPLAINT_TEXT_MIN,
    maxLength: COMPLAINT_TEXT_MAX,
    example: 'I paid for five tickets at the arena on Saturday but my receipt shows one.',
    description: 'What happened (kept by the licensee; the journal holds its SHA-256)',
  })
  @IsString()
  @MinLength(COMPLAINT_TEXT_MIN)
  @MaxLength(COMPLAINT_TEXT_MAX)
  text!: string;

  @ApiPropertyOptional({
    example: 'K7QM-2XPA-9RTB-44HC',
    maxLength: 32,
    type: String,
    description: 'The validation number of a ticket of this raffle the complaint concerns',
  })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  verificationCode?: string;

  @ApiPropertyOptional({
    type: ComplainantContactDto,
    description:
      'How to reach the complainant (optional; personal data: stored apart, journaled only as a salted commitment, erasable)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ComplainantContactDto)
  contact?: ComplainantContactDto;
}

export class ComplaintParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  complaintId!: string;
}

export class ComplaintReferenceParamsDto {
  @ApiProperty({ example: 'CMP-7K2Q-9XHD-4T0B' })
  @Matches(REFERENCE_PATTERN, {
    message: 'reference must be a complaint reference such as CMP-7K2Q-9XHD-4T0B',
  })
  reference!: string;
}

export class ChangeComplaintStatusDto {
  @ApiProperty({
    enum: ['IN_REVIEW', 'RESOLVED', 'REJECTED'],
    description: 'OPEN → IN_REVIEW → RESOLVED | REJECTED; any other step is refused (409)',
  })
  @IsIn(['IN_REVIEW', 'RESOLVED', 'REJECTED'], {
    message: 'status must be one of IN_REVIEW, RESOLVED, REJECTED',
  })
  status!: Exclude<ComplaintStatus, 'OPEN'>;

  @ApiPropertyOptional({
    maxLength: RESOLUTION_TEXT_MAX,
    type: String,
    description: 'Required for RESOLVED and REJECTED: what was found and done, or why it is rejected',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(RESOLUTION_TEXT_MAX)
  resolution?: string;
}

class ComplaintListFilters {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  raffleId?: string;

  @ApiPropertyOptional({ enum: COMPLAINT_STATUSES })
  @IsOptional()
  @IsIn(COMPLAINT_STATUSES, { message: `status must be one of ${COMPLAINT_STATUSES.join(', ')}` })
  status?: ComplaintStatus;

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'Filed at or after (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'Filed before (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class ListComplaintsQueryDto extends PagedListQuery(ComplaintListFilters, DEFAULT_LIST_PAGE) {}

// --- responses ----------------------------------------------------------------------------------

export class ComplaintFiledDto {
  @ApiProperty({ example: 'CMP-7K2Q-9XHD-4T0B', description: 'Keep it: it is how to ask for the status' })
  reference!: string;
  @ApiProperty({ enum: COMPLAINT_STATUSES }) status!: ComplaintStatus;
  @ApiProperty() raffleId!: string;
  @ApiProperty({ enum: COMPLAINT_CATEGORIES }) category!: string;
  @ApiProperty() filedAt!: string;
  @ApiProperty({ description: 'Where to ask for the status' }) statusPath!: string;
}

/** What anyone holding a reference may see: the status, nothing the complainant wrote or gave. */
export class PublicComplaintStatusDto {
  @ApiProperty() reference!: string;
  @ApiProperty({ enum: COMPLAINT_STATUSES }) status!: ComplaintStatus;
  @ApiProperty() filedAt!: string;
  @ApiProperty({ description: 'Time of the last status change (the filing time if none)' })
  updatedAt!: string;
}

export class ComplainantContactViewDto {
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
}

export class ComplaintPersonalDataStateDto {
  @ApiProperty() algorithm!: string;
  @ApiProperty({ description: 'The journaled commitment, 64 hex' }) commitment!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The salt (64 hex); null once erased' })
  salt!: string | null;
  @ApiProperty() erased!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'When it was erased (PERSONAL_DATA_ERASED)' })
  erasedAt!: string | null;
}

export class ComplaintTransitionDto {
  @ApiProperty({ enum: COMPLAINT_STATUSES }) from!: string;
  @ApiProperty({ enum: COMPLAINT_STATUSES }) to!: string;
  @ApiProperty({ nullable: true, type: String }) resolution!: string | null;
  @ApiProperty() changedBy!: string;
  @ApiProperty() changedAt!: string;
}

export class ComplaintDto {
  @ApiProperty() complaintId!: string;
  @ApiProperty() reference!: string;
  @ApiProperty() raffleId!: string;
  @ApiProperty({ enum: COMPLAINT_CATEGORIES }) category!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ description: 'SHA-256 of the text, as journaled' }) textSha256!: string;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the validation number named' })
  codeHash!: string | null;
  @ApiProperty({
    nullable: true,
    description: 'The ticket numbers of the sale the validation number belongs to',
    type: Object,
  })
  tickets!: { first: number; last: number } | null;
  @ApiProperty({ enum: COMPLAINT_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: String }) resolution!: string | null;
  @ApiProperty({ type: ComplainantContactViewDto, nullable: true })
  contact!: ComplainantContactViewDto | null;
  @ApiProperty({
    type: ComplaintPersonalDataStateDto,
    nullable: true,
    description: 'null: no contact details were given',
  })
  personalData!: ComplaintPersonalDataStateDto | null;
  @ApiProperty() filedAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ nullable: true, type: String }) updatedBy!: string | null;
  @ApiProperty({ type: [ComplaintTransitionDto] }) transitions!: ComplaintTransitionDto[];
}
