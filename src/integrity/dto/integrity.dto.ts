import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const HEX64 = '^[0-9a-f]{64}$';

export class SoftwareIntegrityDto {
  @ApiProperty({ example: 'fairdraw' })
  name!: string;

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({
    enum: ['PENDING', 'MATCH', 'UNVERIFIED', 'MISMATCH', 'ERROR'],
    description: 'MISMATCH and ERROR stop draws; UNVERIFIED: no CERTIFIED_CODE_DIGEST is configured',
  })
  state!: string;

  @ApiProperty({
    enum: ['build', 'source'],
    nullable: true,
    type: String,
    description: '`build`: the compiled dist/; `source`: TypeScript run directly (never the certified build)',
  })
  kind!: string | null;

  @ApiProperty({ nullable: true, type: String, pattern: HEX64, description: 'SHA-256 of the code manifest' })
  digest!: string | null;

  @ApiProperty({ nullable: true, type: Number, description: 'Files in the manifest' })
  files!: number | null;

  @ApiProperty({ nullable: true, type: String, pattern: HEX64, description: 'CERTIFIED_CODE_DIGEST' })
  certifiedDigest!: string | null;

  @ApiProperty({ nullable: true, type: Boolean, description: 'Null when no certified digest is configured' })
  match!: boolean | null;

  @ApiProperty()
  drawsAllowed!: boolean;

  @ApiProperty({ nullable: true, type: String, enum: ['start-up', 'schedule', 'on-demand', 'pre-draw'] })
  trigger!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  checkedAt!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why the code could not be hashed (state ERROR)',
  })
  error!: string | null;
}

export class JournalProblemDto {
  @ApiPropertyOptional({ description: 'The entry the problem is located at' })
  seq?: number;

  @ApiProperty({ example: 'hash-mismatch' })
  kind!: string;

  @ApiProperty()
  message!: string;
}

export class JournalCheckResultDto {
  @ApiProperty()
  ok!: boolean;

  @ApiProperty({ enum: ['schedule', 'on-demand'] })
  trigger!: string;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ format: 'date-time' })
  finishedAt!: string;

  @ApiProperty()
  durationMs!: number;

  @ApiProperty({ description: 'bootId of the replica that ran the check' })
  instance!: string;

  @ApiProperty({ description: 'Entries verified' })
  entries!: number;

  @ApiProperty({ description: 'Size of the Merkle tree rebuilt from the entries' })
  treeSize!: number;

  @ApiProperty({ pattern: HEX64 })
  rootHash!: string;

  @ApiProperty({ description: 'Tree size the ledger state row claims' })
  claimedTreeSize!: number;

  @ApiProperty({ pattern: HEX64 })
  claimedRootHash!: string;

  @ApiProperty({ description: 'Checkpoints anchored outside the database that were compared' })
  anchoredCheckpoints!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Anchored checkpoints by outcome (matched, mismatch, beyond-export, ...)',
  })
  checkpoints!: Record<string, number>;

  @ApiProperty({ nullable: true, type: Number, description: 'The first entry found wrong' })
  firstBadSeq!: number | null;

  @ApiProperty()
  problemCount!: number;

  @ApiProperty({ type: [JournalProblemDto], description: 'The first 20 problems' })
  problems!: JournalProblemDto[];
}

export class JournalCheckOutcomeDto {
  @ApiProperty({ type: JournalCheckResultDto })
  result!: JournalCheckResultDto;

  @ApiProperty({ nullable: true, type: Number, description: 'Sequence number of the INTEGRITY_CHECK entry' })
  journalSeq!: number | null;
}

export class JournalIntegrityDto {
  @ApiProperty({ type: JournalCheckResultDto, nullable: true, description: 'Null before the first check' })
  lastCheck!: JournalCheckResultDto | null;

  @ApiProperty({ description: 'INTEGRITY_JOURNAL_INTERVAL_SECONDS; 0: only on demand' })
  intervalSeconds!: number;
}
