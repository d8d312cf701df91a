export { type AddressCategory, type AddressPolicy, classifyAddress, CompiledAddressPolicy, createPolicyConnector } from './address-policy';
export * from './errors';
export * from './media-types';
export { DOCKER_HUB_HOST, type RegistryTarget } from './names';
export {
  DEFAULT_REGISTRY_CLIENT_OPTIONS,
  type FetchedManifest,
  type ManifestHead,
  MAX_RETRY_AFTER_WAIT_MS,
  parseRetryAfter,
  RegistryClient,
  type RegistryClientOptions,
  type RegistryCredentials,
} from './registry-client';
export { type BlobSink } from './transport';
export { registryClientOptionsFrom } from './options-from-config';
