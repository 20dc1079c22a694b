import { HttpException } from '@nestjs/common';

export interface FieldError {
  field: string;
  messages: string[];
}

/** An error the API reports with its own stable code, e.g. 409 IDEMPOTENCY_KEY_REUSED. */
export class DomainException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message, status);
  }
}

export class RequestValidationException extends DomainException {
  constructor(fields: FieldError[]) {
    const summary = fields.flatMap((field) => field.messages).join('; ');
    super(400, 'VALIDATION_FAILED', `Request validation failed: ${summary}`, fields);
  }
}
