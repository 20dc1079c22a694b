/**
 * Whether the SDK raised one of these S3 error codes. Duck-typed on `name` because the SDK's
 * exception classes are not exported for every code (PreconditionFailed, AccessDenied, ...).
 */
export function isS3Error(error: unknown, ...codes: string[]): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && codes.includes(String(error.name));
}
