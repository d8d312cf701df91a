import { userIdentity } from '@imagestreams/domain-access';
import { randomBytes } from 'node:crypto';
import * as codec from './registry-token-codec';
import type { RegistryTokenKeysRepository } from './registry-token-keys.repository';
import { RegistryTokens } from './registry-tokens';

const TTL_SECONDS = 300;
const access = [{ type: 'repository' as const, name: 'team/app', actions: ['pull', 'push'] }];

async function tokensWithKey(): Promise<RegistryTokens> {
  const keys = { sharedKey: () => Promise.reject(new Error('not used with REGISTRY_TOKEN_KEY')) } as unknown as RegistryTokenKeysRepository;
  const tokens = new RegistryTokens({ tokenKey: randomBytes(32).toString('base64'), tokenTtlSeconds: TTL_SECONDS, service: 'imagestreams-registry', realm: '' }, keys);
  await tokens.onModuleInit();
  return tokens;
}

describe('RegistryTokens.verify', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('checks a token signature once while it is valid, answering later requests from memory', async () => {
    const tokens = await tokensWithKey();
    const { token } = await tokens.issue(userIdentity('alice'), access);
    const verifications = jest.spyOn(codec, 'verifyRegistryTokenWindow');

    const first = await tokens.verify(token);
    const second = await tokens.verify(token);

    expect(first).toEqual({ identity: userIdentity('alice'), access });
    expect(second).toEqual(first);
    expect(verifications).toHaveBeenCalledTimes(1);
  });

  it('refuses a remembered token once it expired, and one presented before it is valid', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-28T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const tokens = await tokensWithKey();
    const { token } = await tokens.issue(userIdentity('alice'), access);
    expect(await tokens.verify(token)).toBeDefined();

    jest.setSystemTime(new Date('2026-11-28T12:00:00Z').getTime() + (TTL_SECONDS + 60) * 1000);
    await expect(tokens.verify(token)).resolves.toBeUndefined();

    jest.setSystemTime(new Date('2026-11-28T11:58:00Z'));
    await expect(tokens.verify(token)).resolves.toBeUndefined();

    // Back inside its window it is good again: the refusals did not poison anything.
    jest.setSystemTime(new Date('2026-11-28T12:01:00Z'));
    await expect(tokens.verify(token)).resolves.toEqual({ identity: userIdentity('alice'), access });
  });

  it('never remembers a token that failed verification', async () => {
    const tokens = await tokensWithKey();
    const { token } = await tokens.issue(userIdentity('alice'), access);
    const [header, payload, signature] = token.split('.');
    const forged = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    const verifications = jest.spyOn(codec, 'verifyRegistryTokenWindow');

    await expect(tokens.verify(forged)).resolves.toBeUndefined();
    await expect(tokens.verify(forged)).resolves.toBeUndefined();
    expect(verifications).toHaveBeenCalledTimes(2);
  });
});
