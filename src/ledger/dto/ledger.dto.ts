import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const MAX_SIZE = Number.MAX_SAFE_INTEGER;

export class EntryParamsDto {
  @ApiProperty({ description: 'Sequence number of the entry (0-based)', minimum: 0 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SIZE)
  seq!: number;
}

export class EntryQueryDto {
  @ApiPropertyOptional({
    description: 'Prove inclusion in the tree of this size (default: the latest)',
    minimum: 1,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SIZE)
  treeSize?: number;
}

export class ConsistencyQueryDto {
  @ApiProperty({ description: 'The earlier tree size', minimum: 0 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SIZE)
  from!: number;

  @ApiProperty({ description: 'The later tree size', minimum: 0 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SIZE)
  to!: number;
}

export class ExportQueryDto {
  @ApiPropertyOptional({ description: 'First sequence number (inclusive)', default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SIZE)
  from: number = 0;

  @ApiPropertyOptional({
    description: 'End sequence number (exclusive; default: the current tree size)',
    minimum: 0,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SIZE)
  to?: number;
}

export class JournalEntryDto {
  @ApiProperty() seq!: number;
  @ApiProperty({ example: 'TICKETS_SOLD' }) type!: string;
  @ApiProperty({ nullable: true, type: String }) subject!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) payload!: Record<string, unknown>;
  @ApiProperty({ example: '2026-11-23T08:00:00.000Z' }) time!: string;
  @ApiProperty({ description: 'Lowercase hex' }) prevHash!: string;
  @ApiProperty({ description: 'Lowercase hex: SHA-256(0x00 || entry bytes), the RFC 9162 leaf hash' })
  hash!: string;
}

export class InclusionProofDto {
  @ApiProperty() leafIndex!: number;
  @ApiProperty() treeSize!: number;
  @ApiProperty() leafHash!: string;
  @ApiProperty({ type: [String], description: 'RFC 9162 inclusion path, lowercase hex' }) path!: string[];
}

export class EntryWithProofDto {
  @ApiProperty({ type: JournalEntryDto }) entry!: JournalEntryDto;
  @ApiProperty({ type: InclusionProofDto }) proof!: InclusionProofDto;
  @ApiProperty({ description: 'Signed checkpoint (C2SP signed note) of proof.treeSize' }) checkpoint!: string;
}

export class ConsistencyProofDto {
  @ApiProperty() first!: number;
  @ApiProperty() second!: number;
  @ApiProperty({ type: [String], description: 'RFC 9162 consistency path, lowercase hex' }) path!: string[];
}

export class DigestDto {
  @ApiProperty() treeSize!: number;
  @ApiProperty({ description: 'Merkle root, lowercase hex' }) rootHash!: string;
  @ApiProperty({ example: '2026-11-23T08:00:00.000Z' }) timestamp!: string;
  @ApiProperty({ description: 'C2SP tlog-checkpoint signed note' }) checkpoint!: string;
}

export class PublicKeyDto {
  @ApiProperty({ example: 'fairdraw.local/ledger' }) keyName!: string;
  @ApiProperty({ description: 'signed-note verifier key name+hexKeyID+base64(0x01 || public key)' })
  verifierKey!: string;
  @ApiProperty() publicKeyPem!: string;
}

export class AnchorReceiptDto {
  @ApiProperty({ enum: ['local', 's3'] }) anchor!: string;
  @ApiProperty() location!: string;
  @ApiPropertyOptional() versionId?: string;
  @ApiPropertyOptional() retainUntil?: string;
  @ApiProperty() anchoredAt!: string;
  @ApiProperty() sha256!: string;
}

export class AnchoringResultDto {
  @ApiProperty({
    description: 'false when nothing new since the last anchor, or another replica is anchoring',
  })
  anchored!: boolean;
  @ApiPropertyOptional() treeSize?: number;
  @ApiPropertyOptional() rootHash?: string;
  @ApiPropertyOptional({ type: AnchorReceiptDto }) receipt?: AnchorReceiptDto;
}
