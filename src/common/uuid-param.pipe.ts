import { Injectable, type PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { RequestValidationException } from './domain.exception.js';

/**
 * A UUID path parameter checked on its own, for the hottest routes (ticket orders): the same check
 * and message as a params DTO with `@IsUUID()`, without building and validating a DTO instance on
 * every request (class-transformer and class-validator cost about as much for one path parameter
 * as for the whole order body). A bad value is a 400 naming the field, as from the DTO.
 */
@Injectable()
export class UuidParam implements PipeTransform<unknown, string> {
  constructor(private readonly field: string) {}

  transform(value: unknown): string {
    if (typeof value === 'string' && isUUID(value)) return value;
    throw new RequestValidationException([{ field: this.field, messages: [`${this.field} must be a UUID`] }]);
  }
}
