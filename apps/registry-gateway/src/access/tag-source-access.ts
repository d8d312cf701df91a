import { Injectable } from '@nestjs/common';
import { foreignTagSources, type Identity, type TagSourceReference } from '@imagestreams/domain-access';
import { IMAGE_API_GROUP } from '@imagestreams/contracts';
import { AccessControl } from './access-control';
import { accessDenial } from './api-access.middleware';

/**
 * A tag that points into another namespace (`oc tag a/src:v1 b/app:v1`) lets whoever can pull
 * `b/app` pull `a/src`'s image, so the tagger must be allowed to pull it first: `get
 * imagestreams/layers` on the source stream, as OpenShift asks. Checked at the edge, before the
 * write reaches stream-service; denied like any other request (403 naming the source).
 */
@Injectable()
export class TagSourceAccess {
  constructor(private readonly access: AccessControl) {}

  async assertReadable(caller: Identity, targetNamespace: string, froms: readonly (TagSourceReference | undefined | null)[]): Promise<void> {
    for (const source of foreignTagSources(targetNamespace, froms)) {
      const request = {
        kind: 'resource' as const,
        attributes: { verb: 'get', apiGroup: IMAGE_API_GROUP, resource: 'imagestreams', subresource: 'layers', namespace: source.namespace, name: source.stream },
      };
      const decision = await this.access.authorize(caller, request);
      if (!decision.allowed) throw accessDenial(caller, request);
    }
  }
}
