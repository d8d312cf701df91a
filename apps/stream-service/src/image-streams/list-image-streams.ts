import { Inject, Injectable } from '@nestjs/common';
import { IMAGE_API_VERSION, Statuses, StatusError, type ImageStreamList, type ListRequest } from '@imagestreams/contracts';
import { parseLabelSelector } from '@imagestreams/domain-labels';
import { groupRows } from '@imagestreams/platform-persistence';
import { STREAM_SETTINGS, type StreamSettings } from '../stream-writes/stream-settings';
import { ImageStreamRepository } from './image-stream.repository';
import { imageStreamView } from './image-stream.view';

interface ContinueToken {
  namespace: string;
  name: string;
}

/**
 * LIST imagestreams with `labelSelector` and `limit`/`continue`. The continue token is the position
 * after the last item (namespace/name order), so pages never repeat or skip a stream that exists
 * throughout; unlike Kubernetes (which serves every page from one snapshot), a stream changed
 * between two pages shows its newer state.
 */
@Injectable()
export class ListImageStreams {
  constructor(
    private readonly streams: ImageStreamRepository,
    @Inject(STREAM_SETTINGS) private readonly settings: StreamSettings,
  ) {}

  async execute(query: ListRequest): Promise<ImageStreamList> {
    const parsed = parseLabelSelector(query.labelSelector ?? '');
    if (!parsed.ok) throw new StatusError(Statuses.badRequest(`unable to parse requirement: ${parsed.error}`));
    const after = query.continue === undefined ? undefined : decodeContinue(query.continue);
    const resourceVersion = await this.streams.listResourceVersion();
    const rows = await this.streams.list({ namespace: query.namespace, selector: parsed.selector, after, limit: query.limit });
    const page = query.limit === undefined ? rows : rows.slice(0, query.limit);
    const more = query.limit !== undefined && rows.length > query.limit;
    const last = page[page.length - 1];
    const events = groupRows(await this.streams.tagEvents(page.map((stream) => stream.uid)), (event) => event.image_stream_uid);
    return {
      kind: 'ImageStreamList',
      apiVersion: IMAGE_API_VERSION,
      metadata: { resourceVersion, ...(more && last ? { continue: encodeContinue({ namespace: last.namespace, name: last.name }) } : {}) },
      items: page.map((stream) => imageStreamView(stream, events.get(stream.uid) ?? [], this.settings.hosts)),
    };
  }
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(value: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (typeof token.namespace === 'string' && typeof token.name === 'string') return { namespace: token.namespace, name: token.name };
  } catch {
    // Falls through to the 400 below: a token we did not issue.
  }
  throw new StatusError(Statuses.badRequest('continue key is not valid: it must be a token returned by a previous list'));
}
