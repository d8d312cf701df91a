import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  applyMergePatch,
  ListSamplesConfigsRequest,
  PatchSamplesConfigCommand,
  SAMPLES_API_VERSION,
  SAMPLES_CONFIG_NAME,
  SamplesConfigInput,
  SamplesConfigNameRequest,
  SamplesConfigRequests,
  SamplesConfigResource,
  Statuses,
  StatusError,
  UpdateSamplesConfigCommand,
  validatePayload,
  type SamplesConfig,
  type SamplesConfigList,
} from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
import { jsonEqual } from './json-equal';
import { SamplesConfigRepository } from './samples-config.repository';
import { samplesConfigView, storedSpec } from './samples-config.view';
import { defaultSamplesSpec, SAMPLES_SETTINGS, type SamplesSettings } from './samples-settings';
import { SamplesReconciler } from './samples.reconciler';

function assertSingleton(name: string): void {
  if (name !== SAMPLES_CONFIG_NAME) throw new StatusError(Statuses.notFound(SamplesConfigResource, name));
}

/**
 * `configs.samples.operator.openshift.io`: only `cluster` exists (created on first use if the
 * operator has not made it yet). Writes change the spec (and labels, annotations), never the
 * status, which is the operator's; each write reconciles the samples at once, after answering.
 */
@Controller()
export class SamplesConfigsRequests {
  constructor(
    private readonly configs: SamplesConfigRepository,
    private readonly reconciler: SamplesReconciler,
    @Inject(SAMPLES_SETTINGS) private readonly settings: SamplesSettings,
  ) {}

  private ensure() {
    return this.configs.ensure(SAMPLES_CONFIG_NAME, defaultSamplesSpec(this.settings));
  }

  @OnRequest(SamplesConfigRequests.get)
  async get(@Payload() query: SamplesConfigNameRequest): Promise<SamplesConfig> {
    assertSingleton(query.name);
    return samplesConfigView(await this.ensure());
  }

  @OnRequest(SamplesConfigRequests.list)
  async list(@Payload() _query: ListSamplesConfigsRequest): Promise<SamplesConfigList> {
    const row = await this.ensure();
    return { apiVersion: SAMPLES_API_VERSION, kind: 'ConfigList', metadata: { resourceVersion: await this.configs.currentResourceVersion() }, items: [samplesConfigView(row)] };
  }

  /** PUT: the spec is replaced; `metadata.resourceVersion` and `uid`, when sent, are preconditions (409). */
  @OnRequest(SamplesConfigRequests.update)
  async update(@Payload() command: UpdateSamplesConfigCommand): Promise<SamplesConfig> {
    assertSingleton(command.name);
    return this.write(command.name, () => command.config);
  }

  /** Merge patch of the Config as it is (status included, but only spec and metadata are kept), validated as a PUT body would be (422). */
  @OnRequest(SamplesConfigRequests.patch)
  async patch(@Payload() command: PatchSamplesConfigCommand): Promise<SamplesConfig> {
    assertSingleton(command.name);
    return this.write(command.name, (current) => {
      const patched = applyMergePatch(current, command.patch) as { metadata?: { name?: unknown } };
      if (patched.metadata?.name !== command.name) throw new StatusError(Statuses.badRequest('metadata.name may not be changed by a patch'));
      const input = validatePayload(SamplesConfigInput, patched);
      if (!input.ok) throw new StatusError(Statuses.invalid(SamplesConfigResource, command.name, input.causes));
      return input.value;
    });
  }

  private async write(name: string, incoming: (current: SamplesConfig) => SamplesConfigInput): Promise<SamplesConfig> {
    await this.ensure();
    const row = await this.configs.transaction(async (manager) => {
      const locked = await this.configs.lock(manager, name);
      if (!locked) throw new StatusError(Statuses.notFound(SamplesConfigResource, name));
      const input = incoming(samplesConfigView(locked));
      if (input.metadata.name !== name) {
        throw new StatusError(Statuses.badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`));
      }
      const { resourceVersion, uid } = input.metadata;
      if (resourceVersion && resourceVersion !== String(locked.resource_version)) throw new StatusError(Statuses.conflict(SamplesConfigResource, name));
      if (uid && uid !== locked.uid) {
        throw new StatusError(Statuses.conflict(SamplesConfigResource, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${locked.uid}`));
      }
      const spec = storedSpec(input.spec);
      const generation = Number(locked.generation) + (jsonEqual(spec, storedSpec(locked.spec)) ? 0 : 1);
      return this.configs.update(manager, name, { labels: input.metadata.labels ?? {}, annotations: input.metadata.annotations ?? {}, spec, generation });
    });
    this.reconciler.kick();
    return samplesConfigView(row);
  }
}
