import { getMetadataStorage, IsIn, IsInt, IsOptional, IsString, Min, validate } from 'class-validator';
import { rememberValidationMetadata } from './validation-metadata-cache.js';

class Named {
  @IsString()
  name!: string;
}

class Counted extends Named {
  @IsInt()
  @Min(1)
  count!: number;

  @IsOptional()
  @IsIn(['a', 'b'], { groups: ['strict'] })
  kind?: string;
}

const instance = <T extends object>(type: new () => T, values: Partial<T>): T =>
  Object.assign(new type(), values);

async function refused(object: object, groups?: string[]): Promise<string[]> {
  const errors = await validate(object, { groups, forbidUnknownValues: true });
  return errors.map((error) => error.property).sort();
}

describe('rememberValidationMetadata', () => {
  const storage = getMetadataStorage();
  const lookup = (target: new () => object, groups?: string[]) =>
    storage.getTargetValidationMetadatas(target, '', false, false, groups);
  const rules = (target: new () => object, groups?: string[]) =>
    lookup(target, groups).map((m) => `${m.propertyName}:${m.name ?? m.type}`);

  // The answers without the cache, taken before it is installed (the storage is the process's).
  const before = {
    counted: rules(Counted),
    strict: rules(Counted, ['strict']),
    other: rules(Counted, ['other']),
  };

  beforeAll(() => rememberValidationMetadata());

  it('gives the same rules as the uncached lookup, own and inherited, per groups asked', () => {
    expect(rules(Counted)).toEqual(before.counted);
    expect(rules(Counted, ['strict'])).toEqual(before.strict);
    expect(before.counted).toEqual(expect.arrayContaining(['name:isString', 'count:isInt', 'count:min']));
    expect(before.strict).toContain('kind:isIn');
    expect(rules(Counted, ['other'])).toEqual(before.other);
    expect(before.other).not.toContain('kind:isIn');
  });

  it('looks a class up once per set of options, then answers from memory', () => {
    expect(lookup(Counted)).toBe(lookup(Counted));
    expect(lookup(Counted, ['strict'])).toBe(lookup(Counted, ['strict']));
    expect(lookup(Counted, ['strict'])).not.toBe(lookup(Counted));
    rememberValidationMetadata(); // a second install keeps the first
    expect(lookup(Counted)).toBe(lookup(Counted));
  });

  it('still validates: own and inherited rules, groups, and a class defined after the cache', async () => {
    expect(await refused(instance(Counted, { name: 'x', count: 2 }))).toEqual([]);
    expect(await refused(instance(Counted, { name: 7 as unknown as string, count: 0 }))).toEqual([
      'count',
      'name',
    ]);
    expect(await refused(instance(Counted, { name: 'x', count: 1, kind: 'c' }), ['strict'])).toEqual([
      'kind',
    ]);

    class Later extends Counted {
      @IsString()
      note!: string;
    }
    expect(await refused(instance(Later, { name: 'x', count: 1 }))).toEqual(['note']);
    expect(await refused(instance(Later, { name: 'x', count: 0, note: 'n' }))).toEqual(['count']);
  });
});
