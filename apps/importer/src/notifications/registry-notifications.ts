import { Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { Statuses, StatusError, type ReceiveRegistryNotificationCommand, type RegistryNotificationReceived } from '@imagestreams/contracts';
import { parseImportSource, parseRegistryNotification, sourceMatchesNotice } from '@imagestreams/domain-import';
import { IMPORT_SETTINGS, type ImportSettings } from '../imports/import-settings';
import { ScheduledTagsRepository } from '../schedules/scheduled-tags.repository';

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  // Length differences leak only the length; the comparison of equal lengths is constant time.
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Push-first imports: a registry says it received a push, and the tags following that repository are checked now. */
@Injectable()
export class RegistryNotifications {
  constructor(
    private readonly schedules: ScheduledTagsRepository,
    @Inject(IMPORT_SETTINGS) private readonly settings: ImportSettings,
  ) {}

  async receive(command: ReceiveRegistryNotificationCommand): Promise<RegistryNotificationReceived> {
    const expected = this.settings.notificationEndpoints.get(command.endpoint);
    // One answer for an unknown endpoint and a wrong secret, so neither can be probed.
    if (expected === undefined || !sameSecret(expected, command.secret)) {
      throw new StatusError({ ...Statuses.notFound({ resource: 'registrynotifications', group: 'imagestreams.io', kind: 'RegistryNotification' }, command.endpoint) });
    }
    const notices = parseRegistryNotification(command.body);
    let tagsScheduled = 0;
    for (const notice of notices) {
      // Candidates by repository path; the exact registry/tag match is decided on the parsed sources.
      const candidates = [`%${notice.repository}:%`, `%${notice.repository}@%`, `%${notice.repository}`];
      tagsScheduled += await this.schedules.dueNow((row) => {
        try {
          return sourceMatchesNotice(parseImportSource(row.source), notice);
        } catch {
          return false;
        }
      }, candidates);
    }
    return { tagsScheduled };
  }
}
