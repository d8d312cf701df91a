import { imageStreamNameProblems, namespaceNameProblems, repositoryNameProblems, tagNameProblems } from './names';

describe('API name rules', () => {
  it.each([
    ['team-a', true],
    ['a', true],
    ['Team-a', false],
    ['-a', false],
    ['a-', false],
    ['a_b', false],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
  ])('namespace %s valid: %s', (name, valid) => {
    expect(namespaceNameProblems(name).length === 0).toBe(valid);
  });

  it.each([
    ['web', true],
    ['web.app_x-1', true],
    ['a__b', false],
    ['Bad_Name', false],
    ['.', false],
    ['..', false],
    ['a/b', false],
    ['a%b', false],
    ['a'.repeat(256), false],
  ])('image stream %s valid: %s', (name, valid) => {
    expect(imageStreamNameProblems(name).length === 0).toBe(valid);
  });

  it('limits namespace/name to 255 characters together', () => {
    expect(repositoryNameProblems('ns', 'a'.repeat(252))).toEqual([]);
    expect(repositoryNameProblems('ns', 'a'.repeat(253))).toHaveLength(1);
  });

  it.each([
    ['latest', true],
    ['v1.2.3-rc_1', true],
    ['_x', true],
    ['.x', false],
    ['-x', false],
    ['a b', false],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
  ])('tag %s valid: %s', (tag, valid) => {
    expect(tagNameProblems(tag).length === 0).toBe(valid);
  });
});
