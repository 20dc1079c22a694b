import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { RequestValidationException, type FieldError } from './domain.exception.js';
import { rememberValidationMetadata } from './validation-metadata-cache.js';

/** Field errors with full paths (`prizes[1].drawAt`) so a client knows exactly what to fix. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own: FieldError[] = error.constraints
      ? [
          {
            field: path,
            messages: Object.values(error.constraints).map((m) => withPath(m, error.property, path)),
          },
        ]
      : [];
    return [...own, ...fieldErrors(error.children ?? [], path)];
  });
}

function withPath(message: string, property: string, path: string): string {
  return path !== property && message.startsWith(property) ? path + message.slice(property.length) : message;
}

/** Validation for every request: unknown fields are refused, not silently dropped. */
export function createValidationPipe(): ValidationPipe {
  rememberValidationMetadata();
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationException(fieldErrors(errors)),
  });
}
