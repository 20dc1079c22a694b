import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_TICKET_NUMBER } from '../core/index.js';

/** A prize id of the rules, or `<prize id>@<UTC time>` for one occurrence of a recurring prize. */
const PRIZE_DRAW_ID = /^[A-Za-z0-9_-]{1,32}(@\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)?$/;

export class DrawParamsDto {
  @ApiProperty({ format: 'uuid', description: 'The draw (DRAW_RESULT or DRAW_REDRAWN drawId)' })
  @IsUUID()
  drawId!: string;
}

export class RaffleResultsParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  raffleId!: string;
}

export class RunDrawDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  raffleId!: string;

  @ApiProperty({
    example: 'main',
    description:
      'The prize id, or for one occurrence of a recurring prize (drawCron) `<prize id>@<UTC time>` as the results list it',
  })
  @Matches(PRIZE_DRAW_ID, {
    message: 'prizeId must be a prize id, or <prize id>@<UTC ISO-8601 time with milliseconds>',
  })
  prizeId!: string;
}

export class RedrawDto {
  @ApiProperty({ example: 1234, description: 'The winning ticket to replace (a current winner of the draw)' })
  @IsInt()
  @Min(1)
  @Max(MAX_TICKET_NUMBER)
  ticket!: number;

  @ApiProperty({
    enum: ['INELIGIBLE', 'UNCLAIMED'],
    description:
      'INELIGIBLE: the winner may not win (rules, checks); UNCLAIMED: not claimed within the claim period (DRAW-7)',
  })
  @IsIn(['INELIGIBLE', 'UNCLAIMED'], { message: 'cause must be INELIGIBLE or UNCLAIMED' })
  cause!: 'INELIGIBLE' | 'UNCLAIMED';

  @ApiProperty({ example: 'winner is an employee of the licensee', minLength: 3, maxLength: 1000 })
  @IsString()
  @MinLength(3)
  @MaxLength(1000)
  reason!: string;
}

export class SettleRaffleDto {
  @ApiProperty({
    example: 'all prizes paid out; cheque numbers in the prize register',
    minLength: 3,
    maxLength: 1000,
  })
  @IsString()
  @MinLength(3)
  @MaxLength(1000)
  note!: string;
}

// --- responses ----------------------------------------------------------------------------------

export class JournalReferenceDto {
  @ApiProperty({ description: 'Sequence number of the journal entry' }) seq!: number;
  @ApiProperty({ description: 'Its RFC 9162 leaf hash (the entry hash), hex' }) leafHash!: string;
}

export class SetCommitmentDto {
  @ApiProperty() count!: number;
  @ApiProperty() rangeCount!: number;
  @ApiProperty({ description: 'RFC 9162 root over the sealed ranges, hex' }) root!: string;
}

export class RngIdentityDto {
  @ApiProperty({ example: 'pkcs11' }) provider!: string;
  @ApiProperty({ description: 'False for a development source (os) or a test stand-in' }) certified!: boolean;
  @ApiProperty() identity!: string;
}

export class RngCallDto {
  @ApiProperty() byteCount!: number;
  @ApiProperty({ description: 'The bytes returned, lowercase hex' }) bytes!: string;
}

export class ReplacesDto {
  @ApiProperty() drawId!: string;
  @ApiProperty() ticket!: number;
  @ApiProperty() reason!: string;
}

export class PrizeAmountDto {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['MAIN', 'EARLY_BIRD', 'CONSOLATION'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() currency!: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Minor units; null for a described (non-cash) prize',
  })
  amountMinor!: number | null;
  @ApiProperty({ enum: ['SHARE_OF_SALES', 'FIXED', 'DESCRIBED'] }) basis!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'SHARE_OF_SALES: paid, not voided sales' })
  paidTotalMinor!: number | null;
  @ApiProperty({ nullable: true, type: Number }) shareBasisPoints!: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'floor(paidTotalMinor x shareBasisPoints / 10000)',
  })
  shareMinor!: number | null;
  @ApiProperty({ nullable: true, type: Number }) seedMinor!: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'down' }) rounding!: string | null;
  @ApiProperty({ description: 'Who ran the draw: system:scheduler or the user (token subject)' }) by!: string;
}

export class DrawDto {
  @ApiProperty() drawId!: string;
  @ApiProperty({ enum: ['result', 'redraw'] }) kind!: 'result' | 'redraw';
  @ApiProperty() raffleId!: string;
  @ApiProperty() prizeId!: string;
  @ApiProperty() sealId!: string;
  @ApiProperty() drawnAt!: string;
  @ApiProperty({ type: [Number], description: 'Winning tickets of this draw, in prize order' })
  winningTickets!: number[];
  @ApiProperty({ type: [Number], description: 'Pool positions the RNG selected' }) positions!: number[];
  @ApiProperty() k!: number;
  @ApiProperty() repeats!: boolean;
  @ApiProperty({ enum: ['none', 'seal', 'raffle'] }) exclusion!: string;
  @ApiProperty({ type: [Number] }) excluded!: number[];
  @ApiProperty({ type: SetCommitmentDto }) sealed!: SetCommitmentDto;
  @ApiProperty({ type: RngIdentityDto }) rng!: RngIdentityDto;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'requestId of the RNG_REQUEST entry journaled before this draw; null when k = 0',
  })
  rngRequestId!: string | null;
  @ApiProperty({ type: [RngCallDto] }) rngCalls!: RngCallDto[];
  @ApiProperty({ type: ReplacesDto, nullable: true }) replaces!: ReplacesDto | null;
  @ApiProperty({ type: PrizeAmountDto, nullable: true }) prize!: PrizeAmountDto | null;
  @ApiProperty({ type: JournalReferenceDto }) journal!: JournalReferenceDto;
  @ApiProperty() proofUrl!: string;
}

export class JournalProofDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The journal entry (docs/ledger-format.md)',
  })
  entry!: object;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'RFC 9162 inclusion proof at journal.treeSize',
  })
  inclusion!: object;
}

export class DrawProofJournalDto {
  @ApiProperty() treeSize!: number;
  @ApiProperty() rootHash!: string;
  @ApiProperty({ description: 'C2SP tlog-checkpoint signed note of treeSize' }) checkpoint!: string;
  @ApiProperty({ description: 'The signed-note verifier key of the checkpoint signer' }) verifierKey!: string;
  @ApiProperty({ type: JournalProofDto }) seal!: JournalProofDto;
  @ApiProperty({ type: JournalProofDto }) draw!: JournalProofDto;
  @ApiProperty({
    type: JournalProofDto,
    nullable: true,
    description:
      'The RNG_REQUEST entry named by the draw’s rngRequestId (bytes hash, call sizes, k, n, provider), with its ' +
      'inclusion proof at journal.treeSize; null when the draw asked the RNG for nothing (k = 0)',
  })
  rngRequest!: JournalProofDto | null;
}

export class DrawProofDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'fairdraw-draw-proof-v1 (docs/draws.md section 6): verifyDrawProof recomputes the draw from it',
  })
  drawProof!: object;
  @ApiProperty({ type: DrawProofJournalDto }) journal!: DrawProofJournalDto;
}

export class SealCutoffDto {
  @ApiProperty() treeSize!: number;
  @ApiProperty() time!: string;
}

export class SealViewDto {
  @ApiProperty() sealId!: string;
  @ApiProperty() salesClosed!: boolean;
  @ApiProperty() count!: number;
  @ApiProperty() rangeCount!: number;
  @ApiProperty() root!: string;
  @ApiProperty({ type: SealCutoffDto }) cutoff!: SealCutoffDto;
  @ApiProperty() ledgerTreeSize!: number;
  @ApiProperty({ type: JournalReferenceDto }) journal!: JournalReferenceDto;
}

export class RedrawViewDto {
  @ApiProperty() drawId!: string;
  @ApiProperty() replacedTicket!: number;
  @ApiProperty() winningTicket!: number;
  @ApiProperty() reason!: string;
  @ApiProperty() drawnAt!: string;
  @ApiProperty({ type: JournalReferenceDto }) journal!: JournalReferenceDto;
  @ApiProperty() proofUrl!: string;
}

export class RngSummaryDto {
  @ApiProperty() provider!: string;
  @ApiProperty() certified!: boolean;
}

export class PrizeDrawResultDto {
  @ApiProperty() drawId!: string;
  @ApiProperty() drawnAt!: string;
  @ApiProperty({ type: [Number], description: 'The winners as they stand after any redraws' })
  winningTickets!: number[];
  @ApiProperty({ description: 'True when no ticket was eligible (nobody won)' }) noEligibleTickets!: boolean;
  @ApiProperty({ type: PrizeAmountDto, nullable: true }) prize!: PrizeAmountDto | null;
  @ApiProperty({ type: SealViewDto }) seal!: SealViewDto;
  @ApiProperty({ type: RngSummaryDto }) rng!: RngSummaryDto;
  @ApiProperty({ type: JournalReferenceDto }) journal!: JournalReferenceDto;
  @ApiProperty() proofUrl!: string;
  @ApiProperty({ type: [RedrawViewDto] }) redraws!: RedrawViewDto[];
}

export class PrizeResultDto {
  @ApiProperty() prizeId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() scheduledAt!: string;
  @ApiProperty({ enum: ['SCHEDULED', 'DRAWN'] }) status!: 'SCHEDULED' | 'DRAWN';
  @ApiProperty({ type: PrizeDrawResultDto, nullable: true }) draw!: PrizeDrawResultDto | null;
}

export class RaffleResultsDto {
  @ApiProperty() raffleId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() licenseNumber!: string;
  @ApiProperty() type!: string;
  @ApiProperty() currency!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: [PrizeResultDto] }) prizes!: PrizeResultDto[];
  @ApiProperty() asOf!: string;
}
