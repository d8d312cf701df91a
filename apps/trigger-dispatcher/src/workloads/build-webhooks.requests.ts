import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BuildWebhookCommand, StatusError, successStatus, TriggerRequests, type Status, type StoredObject } from '@imagestreams/contracts';
import { evaluateBuildWebhook, webhookBuildRequest, type BuildConfig } from '@imagestreams/domain-trigger';
import { OnRequest, OutboxRelay } from '@imagestreams/platform-messaging';
import { BuildRecords } from './build-records';
import { WorkloadRepository } from './workload.repository';

/**
 * OpenShift's inbound BuildConfig webhooks (GitHub, GitLab, Bitbucket, Generic): the rules are in
 * domain-trigger's `evaluateBuildWebhook`; this runs them against the locked BuildConfig and records
 * the Build. Triggers that name their secret through `secretReference` never match here: opaque
 * Secrets are not stored (only registry credentials are), which the docs say.
 */
@Controller()
export class BuildWebhooksRequests {
  constructor(
    private readonly workloads: WorkloadRepository,
    private readonly builds: BuildRecords,
    private readonly relay: OutboxRelay,
  ) {}

  @OnRequest(TriggerRequests.receiveBuildWebhook)
  async receive(@Payload() command: BuildWebhookCommand): Promise<StoredObject | Status> {
    let created = false;
    const answer = await this.workloads.transaction(async (manager) => {
      const row = await this.workloads.find(command.namespace, 'BuildConfig', command.name, manager, true);
      const result = evaluateBuildWebhook(
        { method: command.method, secret: command.secret, type: command.type, headers: command.headers, ...(command.body === undefined ? {} : { body: command.body }) },
        { name: command.name, buildConfig: row?.body as unknown as BuildConfig | undefined },
      );
      if ('error' in result) {
        const { code, reason, message } = result.error;
        throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
      }
      if (result.outcome === 'ignored' || !row) return { ...successStatus(200), ...(result.outcome === 'ignored' ? { message: result.reason } : {}) };
      const build = await this.builds.create(manager, row, webhookBuildRequest(row.body as unknown as BuildConfig, result), `webhook:${command.type}`);
      created = true;
      return build;
    });
    if (created) this.relay.kick();
    return answer;
  }
}
