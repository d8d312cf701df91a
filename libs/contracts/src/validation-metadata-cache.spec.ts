import { IsInt, IsString, MaxLength, getMetadataStorage } from 'class-validator';
import { validatePayload } from './validation';

class Parent {
  @IsString()
  name!: string;
}

describe('cached class-validator rule lookups', () => {
  it('answers the same rules again without asking the library twice', () => {
    const storage = getMetadataStorage();
    expect(validatePayload(Parent, { name: 3 }).ok).toBe(false);
    const first = storage.getTargetValidationMetadatas(Parent, '', false, false);
    expect(storage.getTargetValidationMetadatas(Parent, '', false, false)).toBe(first);
    expect(first.map((metadata) => metadata.propertyName)).toEqual(['name']);
  });

  it('sees rules of classes declared after the first validation, inherited ones included', () => {
    expect(validatePayload(Parent, { name: 'x' }).ok).toBe(true);

    class Child extends Parent {
      @IsInt()
      size!: number;
    }
    class Longer extends Parent {
      @MaxLength(2)
      declare name: string;
    }

    expect(validatePayload(Child, { name: 'x', size: 'big' })).toEqual({ ok: false, causes: [expect.objectContaining({ field: 'size' })] });
    expect(validatePayload(Child, { name: 7, size: 1 })).toEqual({ ok: false, causes: [expect.objectContaining({ field: 'name' })] });
    expect(validatePayload(Longer, { name: 'abc' })).toEqual({ ok: false, causes: [expect.objectContaining({ field: 'name', reason: 'FieldValueTooLong' })] });
    expect(validatePayload(Parent, { name: 'abc' }).ok).toBe(true);
  });
});
