// class-validator looks up a class's rules (its own and those it inherits) on every validation by
// testing every decorated class of the application with instanceof (typestack/class-validator
// #2686, open): with this service's few hundred DTOs, about 2 % of the CPU of a ticket sale. The
// answer cannot change once the class is defined, because a class's decorators, and those of every
// class it extends, run when it is defined, before anything can be validated against it. So the
// answer is kept per class and per lookup options, as in twentyhq/twenty#24085.

import { getMetadataStorage, type MetadataStorage } from 'class-validator';

type Lookup = MetadataStorage['getTargetValidationMetadatas'];
type ValidationMetadata = ReturnType<Lookup>[number];

const installed = new WeakSet<object>();

/**
 * Makes class-validator's global metadata storage remember each class's rules after the first
 * lookup (once per process; later calls do nothing). Schemas registered by name are looked up as
 * before. The remembered arrays are the ones class-validator returns and only reads.
 */
export function rememberValidationMetadata(): void {
  const storage = getMetadataStorage();
  if (installed.has(storage)) return;
  installed.add(storage);
  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  const byClass = new WeakMap<object, Map<string, ValidationMetadata[]>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (typeof target !== 'function' || schema) return lookup(target, schema, always, strictGroups, groups);
    const key = `${always ? 1 : 0}${strictGroups ? 1 : 0}${groups === undefined ? '' : JSON.stringify(groups)}`;
    let answers = byClass.get(target);
    if (answers === undefined) byClass.set(target, (answers = new Map()));
    let answer = answers.get(key);
    if (answer === undefined)
      answers.set(key, (answer = lookup(target, schema, always, strictGroups, groups)));
    return answer;
  };
}
