import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ImageRequests, NOTIFICATIONS_API_VERSION, Statuses, StatusError, TagMoveDryRunCommand, TriggerRequests, type TagMoveDryRun } from '@imagestreams/contracts';
import { dryRunTagMove, watchedImageStreamTags, type BuildConfig, type DeploymentConfig, type KubernetesObject } from '@imagestreams/domain-trigger';
import { OnRequest, OwnerClient } from '@imagestreams/platform-messaging';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import { TriggerFiring } from './trigger-firing';
import { WorkloadRepository } from './workload.repository';

/** What a tag move would set off — webhooks, builds, rollouts, rewritten images — evaluated by the same rules, fired by none. */
@Controller()
export class DryRunRequests {
  constructor(
    private readonly workloads: WorkloadRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly firing: TriggerFiring,
    private readonly owners: OwnerClient,
  ) {}

  @OnRequest(TriggerRequests.dryRunTagMove)
  async dryRun(@Payload() command: TagMoveDryRunCommand): Promise<TagMoveDryRun> {
    const pullSpec = await this.pullSpecOf(command);
    const moved = { namespace: command.namespace, stream: command.imageStream, tag: command.tag };
    const [watching, subscriptions] = await Promise.all([this.workloads.transaction((manager) => this.workloads.watching(manager, moved)), this.subscriptions.list(command.namespace)]);
    const others = await this.firing.resolve(
      watching.flatMap((row) => watchedImageStreamTags(row.body as KubernetesObject)),
      new Map([[`${moved.namespace}/${moved.stream}:${moved.tag}`, pullSpec]]),
    );
    const bodies = (kind: string) => watching.filter((row) => row.kind === kind).map((row) => row.body as unknown);
    const result = dryRunTagMove(
      { ...moved, newPullSpec: pullSpec },
      {
        subscriptions: subscriptions.map((row) => ({
          name: row.name,
          namespace: row.namespace,
          events: row.spec.events,
          filter: row.spec.filter,
          paused: row.spec.paused || row.disabled_reason !== null,
        })),
        buildConfigs: bodies('BuildConfig') as BuildConfig[],
        deploymentConfigs: bodies('DeploymentConfig') as DeploymentConfig[],
        annotatedObjects: watching.filter((row) => row.kind !== 'BuildConfig' && row.kind !== 'DeploymentConfig').map((row) => row.body as unknown as KubernetesObject),
        resolveOthers: (ref) => others.get(`${ref.namespace}/${ref.name}`),
      },
    );
    return {
      kind: 'TagMoveDryRun',
      apiVersion: NOTIFICATIONS_API_VERSION,
      pullSpec,
      webhooks: result.webhooks,
      builds: result.builds.map(({ kind, namespace, name }) => ({ kind, namespace, name })),
      deployments: result.deployments.map(({ kind, namespace, name, rollout, latestVersion }) => ({ kind, namespace, name, rollout, latestVersion })),
      updatedObjects: result.updatedObjects,
      notFiring: result.notFiring,
    };
  }

  private async pullSpecOf(command: TagMoveDryRunCommand): Promise<string> {
    if (command.pullSpec) return command.pullSpec;
    if (!command.digest) throw new StatusError(Statuses.badRequest('name the image: digest (sha256:...) or pullSpec'));
    const stream = await this.owners.request(ImageRequests.getImageStream, { namespace: command.namespace, name: command.imageStream });
    return `${stream.status.dockerImageRepository}@${command.digest}`;
  }
}
