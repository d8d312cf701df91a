import { getMetadataStorage, ValidationTypes } from 'class-validator';
import './index';

interface PropertyRule {
  type: string;
  name?: string;
  target: unknown;
  propertyName: string;
  each: boolean;
}

const targetName = (target: unknown) => (typeof target === 'function' ? target.name : String(target));

/**
 * class-validator's @ValidateNested validates the elements of an array it is handed, so without
 * @IsObject next to it `image: []` or `rules: [[]]` passes validation and fails deep in an owner
 * (found by fuzzing: 500s). Every nested DTO field of the contracts must refuse a non-object.
 */
describe('nested DTO fields of the contracts', () => {
  const rules = (getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, PropertyRule[]> }).validationMetadatas;
  const all = [...rules.values()].flat();
  const nested = all.filter((rule) => rule.type === ValidationTypes.NESTED_VALIDATION);

  it('are found (the contracts are loaded)', () => {
    expect(nested.length).toBeGreaterThan(50);
  });

  it('each carry @IsObject with the same `each`, so an array or a scalar is refused where an object belongs', () => {
    const unguarded = nested
      .filter((rule) => !all.some((other) => other.target === rule.target && other.propertyName === rule.propertyName && other.name === 'isObject' && Boolean(other.each) === Boolean(rule.each)))
      .map((rule) => `${targetName(rule.target)}.${rule.propertyName}${rule.each ? ' (each)' : ''}`);
    expect(unguarded).toEqual([]);
  });
});
