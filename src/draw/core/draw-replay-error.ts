// Journaled draw inputs that cannot reproduce a draw: the RNG calls do not fit the draw's attempts,
// bytes are missing or left over, or the parameters are impossible (more distinct winners than tickets).

export class DrawReplayError extends Error {
  override readonly name = 'DrawReplayError';
}
