import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { createSecretKey } from 'node:crypto';
import type { Identity } from '@imagestreams/domain-access';
import { REGISTRY_AUTH_SETTINGS, type RegistryAuthSettings } from './registry-auth-settings';
import { decodeSigningKey, signRegistryToken, verifyRegistryTokenWindow, type IssuedRegistryToken, type RegistryTokenSettings, type VerifiedRegistryToken } from './registry-token-codec';
import type { RegistryAccessEntry, RegistryTokenGrant } from './registry-token-claims';
import { RegistryKeyPurposes, RegistryTokenKeysRepository } from './registry-token-keys.repository';

/** How many verified tokens a gateway remembers (a few hundred bytes each). */
const VERIFIED_TOKENS_KEPT = 4096;

/** Mints and checks the registry's bearer tokens with the configured key, or the one every replica shares through the database. */
@Injectable()
export class RegistryTokens implements OnModuleInit {
  private settings?: RegistryTokenSettings;
  /**
   * Tokens already verified, with their validity window: a client presents the same token on every
   * request of a push or pull (about 15 for a small image), and checking the signature again each
   * time was 5 % of the gateway's CPU on pushes. A grant depends only on the token, the key (fixed
   * for the process) and the time, so a hit inside [nbf, exp) answers what verification would; any
   * other time goes through full verification (with its clock tolerance) again.
   */
  private readonly verified = new LRUCache<string, VerifiedRegistryToken>({ max: VERIFIED_TOKENS_KEPT });

  constructor(
    @Inject(REGISTRY_AUTH_SETTINGS) private readonly auth: RegistryAuthSettings,
    private readonly keys: RegistryTokenKeysRepository,
  ) {}

  /** At start, after the migrations: a bad REGISTRY_TOKEN_KEY stops the gateway instead of failing every login. */
  async onModuleInit(): Promise<void> {
    const key = this.auth.tokenKey === '' ? await this.keys.sharedKey(RegistryKeyPurposes.registryToken) : decodeSigningKey(this.auth.tokenKey);
    this.settings = { key: createSecretKey(key), service: this.auth.service, ttlSeconds: this.auth.tokenTtlSeconds };
  }

  issue(identity: Identity, access: RegistryAccessEntry[]): Promise<IssuedRegistryToken> {
    return signRegistryToken(identity, access, this.ready(), new Date());
  }

  async verify(token: string): Promise<RegistryTokenGrant | undefined> {
    const now = new Date();
    const known = this.verified.get(token);
    if (known && known.notBeforeMs <= now.getTime() && now.getTime() < known.expiresAtMs) return known.grant;
    const verified = await verifyRegistryTokenWindow(token, this.ready(), now);
    if (verified) this.verified.set(token, verified);
    return verified?.grant;
  }

  private ready(): RegistryTokenSettings {
    if (!this.settings) throw new Error('registry token key not loaded yet');
    return this.settings;
  }
}
