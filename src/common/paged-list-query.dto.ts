import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** How many rows a list endpoint returns when asked for none, and the most it returns at once. */
export interface ListPageSize {
  defaultLimit: number;
  maxLimit: number;
}

/** The page of most list endpoints. */
export const DEFAULT_LIST_PAGE: ListPageSize = { defaultLimit: 100, maxLimit: 500 };

/** The furthest a list can be paged into; past it a client should filter instead. */
const MAX_LIST_OFFSET = 1_000_000;

// TypeScript takes a class as a mixin's base only if its constructor takes `...args: any[]` (TS2545).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor<T = object> = new (...args: any[]) => T;

/**
 * The base of a list endpoint's query DTO: its own filters (the class given), then `limit` and
 * `offset`. A mixin rather than a plain base class because OpenAPI lists a DTO's inherited
 * parameters first: this keeps each endpoint's filters ahead of the paging, as they were written.
 */
export function PagedListQuery<Filters extends Constructor>(filters: Filters, page: ListPageSize) {
  class PagedQuery extends filters {
    @ApiPropertyOptional({ default: page.defaultLimit, minimum: 1, maximum: page.maxLimit })
    @IsOptional()
    @Type(() => Number)
    @IsInt()
    @Min(1)
    @Max(page.maxLimit)
    limit: number = page.defaultLimit;

    @ApiPropertyOptional({ default: 0, minimum: 0 })
    @IsOptional()
    @Type(() => Number)
    @IsInt()
    @Min(0)
    @Max(MAX_LIST_OFFSET)
    offset: number = 0;
  }
  return PagedQuery;
}
