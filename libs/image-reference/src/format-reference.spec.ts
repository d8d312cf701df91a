import { formatReference } from './format-reference';

const SHA256 = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('formatReference', () => {
  it.each([
    [{ repository: 'nginx' }, 'nginx'],
    [{ registry: 'quay.io', repository: 'acme/app' }, 'quay.io/acme/app'],
    [{ registry: 'localhost:5000', repository: 'app', tag: 'dev' }, 'localhost:5000/app:dev'],
    [{ repository: 'app', digest: SHA256 }, `app@${SHA256}`],
    [{ registry: 'quay.io', repository: 'app', tag: 'v1', digest: SHA256 }, `quay.io/app:v1@${SHA256}`],
    [{ registry: '', repository: 'app', tag: '', digest: '' }, 'app'],
  ])('%j → %s', (parts, expected) => {
    expect(formatReference(parts)).toBe(expected);
  });
});
