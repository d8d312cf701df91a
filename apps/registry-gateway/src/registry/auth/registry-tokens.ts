import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import type { Identity } from '@imagestreams/domain-access';
import { REGISTRY_AUTH_SETTINGS, type RegistryAuthSettings } from './registry-auth-settings';
import { decodeSigningKey, signRegistryToken, verifyRegistryToken, type IssuedRegistryToken, type RegistryTokenSettings } from './registry-token-codec';
import type { RegistryAccessEntry, RegistryTokenGrant } from './registry-token-claims';
import { RegistryTokenKeysRepository } from './registry-token-keys.repository';

/** Mints and checks the registry's bearer tokens with the configured key, or the one every replica shares through the database. */
@Injectable()
export class RegistryTokens implements OnModuleInit {
  private settings?: RegistryTokenSettings;

  constructor(
    @Inject(REGISTRY_AUTH_SETTINGS) private readonly auth: RegistryAuthSettings,
    private readonly keys: RegistryTokenKeysRepository,
  ) {}

  /** At start, after the migrations: a bad REGISTRY_TOKEN_KEY stops the gateway instead of failing every login. */
  async onModuleInit(): Promise<void> {
    const key = this.auth.tokenKey === '' ? await this.keys.sharedKey() : decodeSigningKey(this.auth.tokenKey);
    this.settings = { key: createSecretKey(key), service: this.auth.service, ttlSeconds: this.auth.tokenTtlSeconds };
  }

  issue(identity: Identity, access: RegistryAccessEntry[]): Promise<IssuedRegistryToken> {
    return signRegistryToken(identity, access, this.ready(), new Date());
  }

  verify(token: string): Promise<RegistryTokenGrant | undefined> {
    return verifyRegistryToken(token, this.ready(), new Date());
  }

  private ready(): RegistryTokenSettings {
    if (!this.settings) throw new Error('registry token key not loaded yet');
    return this.settings;
  }
}
