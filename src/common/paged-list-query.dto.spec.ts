import { ApiPropertyOptional, DECORATORS } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { RequestValidationException } from './domain.exception.js';
import { PagedListQuery } from './paged-list-query.dto.js';
import { createValidationPipe } from './validation.js';

class ColourFilters {
  @ApiPropertyOptional({ enum: ['RED', 'BLUE'] })
  @IsOptional()
  @IsIn(['RED', 'BLUE'])
  colour?: string;
}

class ListColoursQueryDto extends PagedListQuery(ColourFilters, { defaultLimit: 20, maxLimit: 40 }) {}

async function read(query: Record<string, string>): Promise<ListColoursQueryDto> {
  return createValidationPipe().transform(query, { type: 'query', metatype: ListColoursQueryDto });
}

async function refusal(query: Record<string, string>): Promise<string[]> {
  const error = await read(query).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestValidationException);
  return ((error as RequestValidationException).fields ?? []).flatMap((f) => f.messages);
}

describe('PagedListQuery', () => {
  it("takes the endpoint's page size when none is asked, and numbers from the query text", async () => {
    expect(await read({})).toMatchObject({ limit: 20, offset: 0 });
    expect(await read({ colour: 'RED', limit: '40', offset: '1000000' })).toMatchObject({
      colour: 'RED',
      limit: 40,
      offset: 1_000_000,
    });
  });

  it("refuses a page past the endpoint's bounds, naming the filters' errors first", async () => {
    expect(await refusal({ limit: '41' })).toEqual(['limit must not be greater than 40']);
    expect(await refusal({ offset: '1000001' })).toEqual(['offset must not be greater than 1000000']);
    expect(await refusal({ colour: 'GREEN', limit: '0', offset: '-1' })).toEqual([
      'colour must be one of the following values: RED, BLUE',
      'limit must not be less than 1',
      'offset must not be less than 0',
    ]);
  });

  it('documents the filters ahead of the paging, with the bounds it checks', () => {
    const prototype = ListColoursQueryDto.prototype;
    expect(Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, prototype)).toEqual([
      ':colour',
      ':limit',
      ':offset',
    ]);
    expect(Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, 'limit')).toMatchObject({
      default: 20,
      minimum: 1,
      maximum: 40,
    });
  });
});
