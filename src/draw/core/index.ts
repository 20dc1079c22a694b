// The pure core of Fairdraw's draws: sealing the eligible tickets, committing to them, drawing
// winners, proving and recomputing it all. No NestJS, no database: the service and the offline
// verifier run this same code. Formats and algorithms: docs/draws.md.

// Ticket ranges and the canonical sealed form.
export {
  describeRange,
  isTicketNumber,
  isTicketRange,
  MAX_TICKET_NUMBER,
  type TicketRange,
} from './ticket-range.js';
export { type IndexedRange, TicketRangeError, type TicketRangeProblem } from './ticket-range-error.js';
export { TicketRangeBuffer } from './ticket-range-buffer.js';
export { normaliseTickets, type TicketsToSeal } from './normalise-tickets.js';
export { type SealedRange, SealedRanges, SealedRangesError } from './sealed-ranges.js';

// Commitment and proofs about the sealed set.
export { rangeLeafHash, rangeLeafText } from './range-leaf.js';
export { EMPTY_SET_ROOT, readSetCommitment, type SetCommitment } from './set-commitment.js';
export { SealedSet, sealSet } from './sealed-set.js';
export {
  type MembershipProof,
  type NonMembershipProof,
  type RangeLeafProof,
  readMembershipProof,
  readNonMembershipProof,
} from './set-proof-json.js';
export { verifyMembershipProof } from './membership-proof.js';
export { verifyNonMembershipProof } from './non-membership-proof.js';
export { SetProofError, type SetProofErrorReason } from './set-proof-error.js';

// Drawing winners and replaying draws.
export {
  DRAW_ALGORITHM,
  SEAL_ALGORITHM,
  SEAL_ALGORITHM_DEVICE_TIME,
  SEAL_ALGORITHMS,
} from './draw-algorithm.js';
export { DrawPool } from './draw-pool.js';
export { currentWinners, excludedTickets, type ExclusionInput, type PriorDraw } from './exclusion.js';
export { type RngCallRecord, readRngCalls, recordingSource } from './rng-calls.js';
export { type WinnerSelection } from './winner-selection.js';
export {
  type DrawnWinners,
  type PickedWinners,
  pickWinners,
  type PickWinnersInput,
  winnersFromPositions,
} from './pick-winners.js';
export {
  compareWinners,
  replayPositions,
  type ReplayPositionsInput,
  replayWinners,
  type ReplayWinnersInput,
} from './replay-winners.js';
export { DrawReplayError } from './draw-replay-error.js';

// Prize arithmetic.
export {
  BASIS_POINTS,
  type FiftyFiftyInput,
  fiftyFiftyPrize,
  type FiftyFiftySplit,
} from './fifty-fifty-prize.js';

// Journal entries, proofs of draws, and the offline recomputation.
export {
  DRAW_REDRAWN,
  DRAW_RESULT,
  DRAW_SEALED,
  type DrawEntryDraft,
  type DrawRandom,
  type DrawRecord,
  type DrawRedrawnPayload,
  drawRedrawnDraft,
  type DrawResultPayload,
  drawResultDraft,
  type DrawSealedPayload,
  drawSealedDraft,
  type Exclusion,
  EXCLUSIONS,
  liveDrawPayload,
  type LiveDrawOutcome,
  raffleEntrySubject,
  readDrawRedrawn,
  readDrawResult,
  readDrawSealed,
  type RngIdentity,
} from './draw-entries.js';
export { DrawFormatError } from './draw-format-error.js';
export {
  drawBindingKey,
  type JournaledRngRequest,
  readRngRequest,
  readRngRequestAbandoned,
  RNG_REQUEST,
  RNG_REQUEST_ABANDONED,
  rngBindingProblems,
  type RngRequestAbandonment,
  type RngRequestDrawBinding,
  type RngRequestRecord,
} from './rng-request.js';
export {
  buildDrawProof,
  DRAW_PROOF_FORMAT,
  type DrawProof,
  DrawProofError,
  verifyDrawProof,
} from './draw-proof.js';
export {
  defaultDrawMapping,
  type DrawJournalAdapter,
  drawJournalAdapter,
  type DrawMapping,
  type RaffleRanges,
  type SalesMapping,
} from './draw-journal-adapter.js';
export { createDrawCheck, DRAW_CHECK_KIND, type DrawCheck, type DrawCheckOptions } from './draw-check.js';
export type { DrawCheckSummary } from './draw-check-state.js';
export { JournalRootHistory } from './journal-root-history.js';
export { RaffleState } from './draw-check-state.js';
export { describeSealFailure, sealedRangesAt, sealSizesOf, type SealSizes } from './seal-recomputation.js';
export { RaffleSales, RaffleSalesError } from './raffle-sales.js';
export { createPrizeCheck, DRAW_PRIZE, PRIZE_CHECK_KIND, type SalesAmounts } from './prize-check.js';
export {
  createExclusionRuleCheck,
  EXCLUSION_RULE_CHECK_KIND,
  type ExclusionRuleCheck,
  type ExclusionRuleSummary,
  RULES_DEFAULT_EXCLUSION,
} from './exclusion-rule-check.js';
export {
  CLAIM_CHECK_KIND,
  type ClaimCheck,
  type ClaimCheckSummary,
  createClaimCheck,
  type SoldCodes,
} from './claim-check.js';
export {
  commitPersonalData,
  PERSONAL_DATA_COMMITMENT,
  PRIZE_CLAIMED,
  prizeClaimedDraft,
  type PrizeClaimedPayload,
  readPrizeClaimed,
  readWinnerContactAttempted,
  WINNER_CONTACT_ATTEMPTED,
  winnerContactAttemptedDraft,
  type WinnerContactAttemptedPayload,
} from './claim-entries.js';
