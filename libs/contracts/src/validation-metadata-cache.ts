import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

const INSTALLED = Symbol.for('imagestreams.validationMetadataCache');

/**
 * class-validator looks up a class's rules on every validation of every nested object by scanning
 * every decorated class it knows for inheritance (`getTargetValidationMetadatas`), and our
 * contracts declare a few hundred. Under load that scan was the gateway's single most expensive
 * function (about 3 % of its CPU on the tag-move benchmark). The rules of a class never change
 * once its decorators ran, so the answer is kept per class and options; registering any new rule
 * (a class loaded later) forgets everything kept. Lookups with validation groups, which we do not
 * use, go to the library unchanged.
 */
export function cacheValidationMetadataLookups(): void {
  const storage = getMetadataStorage() as ReturnType<typeof getMetadataStorage> & { [INSTALLED]?: true };
  if (storage[INSTALLED]) return;
  storage[INSTALLED] = true;

  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const register = storage.addValidationMetadata.bind(storage);
  let kept = new Map<unknown, Map<string, ValidationMetadata[]>>();

  storage.addValidationMetadata = (metadata: ValidationMetadata) => {
    kept = new Map();
    register(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (groups && groups.length > 0) return lookup(target, schema, always, strictGroups, groups);
    const options = `${schema}\u0000${always}\u0000${strictGroups}`;
    let byOptions = kept.get(target);
    if (!byOptions) kept.set(target, (byOptions = new Map()));
    let metadatas = byOptions.get(options);
    if (!metadatas) byOptions.set(options, (metadatas = lookup(target, schema, always, strictGroups, groups)));
    return metadatas;
  };
}
