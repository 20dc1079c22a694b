import { kmsFailure } from './kms-failure.js';

// Shapes of errors the SDK really throws; the live paths are covered against moto_server.
describe('kmsFailure', () => {
  it('reports our own deadline as a timeout, whatever the SDK threw', () => {
    const error = kmsFailure(
      Object.assign(new Error('Request aborted'), { name: 'AbortError' }),
      'E',
      true,
      250,
    );
    expect(error).toMatchObject({ provider: 'kms', reason: 'timeout' });
    expect(error.message).toContain('250 ms');
  });

  it('recognises a network failure by its code, or by the code left in a re-wrapped message', () => {
    const direct = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const wrapped = new Error('AWS SDK error wrapper for Error: getaddrinfo ENOTFOUND kms.example');
    expect(kmsFailure(direct, 'E', false, 1).reason).toBe('unreachable');
    expect(kmsFailure(wrapped, 'E', false, 1).reason).toBe('unreachable');
  });

  it('reports a service exception as rejected, with its name and HTTP status', () => {
    const denied = Object.assign(new Error('not allowed'), {
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const error = kmsFailure(denied, 'https://kms.eu-west-1.amazonaws.com', false, 1);
    expect(error.reason).toBe('rejected');
    expect(error.message).toMatch(/HTTP 400, AccessDeniedException/);
    expect(error.cause).toBe(denied);
  });

  it('keeps anything else as request-failed rather than guessing', () => {
    expect(kmsFailure(new Error('odd'), 'E', false, 1).reason).toBe('request-failed');
    expect(kmsFailure('a string', 'E', false, 1).reason).toBe('request-failed');
  });
});
