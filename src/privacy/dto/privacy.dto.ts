import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { DEFAULT_LIST_PAGE, PagedListQuery } from '../../common/paged-list-query.dto.js';
import { ERASABLE_KINDS, ERASURE_BASES, type ErasableKind, type ErasureBasis } from '../core/erasure.js';

export class ErasePersonalDataDto {
  @ApiProperty({ enum: ERASABLE_KINDS, description: 'What kind of record holds the personal data' })
  @IsIn(ERASABLE_KINDS, { message: `recordKind must be one of ${ERASABLE_KINDS.join(', ')}` })
  recordKind!: ErasableKind;

  @ApiProperty({ format: 'uuid', description: 'The claim id, contact attempt id or complaint id' })
  @IsUUID()
  recordId!: string;

  @ApiProperty({
    enum: ERASURE_BASES,
    description:
      "RETENTION_ENDED (refused while the raffle's jurisdiction profile still requires the record to be kept) or LAWFUL_REQUEST",
  })
  @IsIn(ERASURE_BASES, { message: `basis must be one of ${ERASURE_BASES.join(', ')}` })
  basis!: ErasureBasis;

  @ApiProperty({
    minLength: 3,
    maxLength: 1000,
    example: 'request DSR-2026-0042 received 2026-12-01, identity checked',
    description:
      'Why: a request reference or the retention schedule. Kept with the erasure record and journaled as its SHA-256; do not write personal data in it',
  })
  @IsString()
  @MinLength(3)
  @MaxLength(1000)
  reason!: string;
}

class ErasureListFilters {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  raffleId?: string;
}

export class ListErasuresQueryDto extends PagedListQuery(ErasureListFilters, DEFAULT_LIST_PAGE) {}

export class ErasureJournalReferenceDto {
  @ApiProperty() seq!: number;
  @ApiProperty() leafHash!: string;
}

export class ErasureDto {
  @ApiProperty({ enum: ERASABLE_KINDS }) recordKind!: string;
  @ApiProperty() recordId!: string;
  @ApiProperty() raffleId!: string;
  @ApiProperty({ enum: ERASURE_BASES }) basis!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() erasedBy!: string;
  @ApiProperty() erasedAt!: string;
  @ApiProperty({
    type: ErasureJournalReferenceDto,
    nullable: true,
    description: 'The PERSONAL_DATA_ERASED entry',
  })
  journal!: ErasureJournalReferenceDto | null;
}
