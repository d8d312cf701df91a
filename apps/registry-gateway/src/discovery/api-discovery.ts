import { Injectable } from '@nestjs/common';
import { RouteCatalog } from '../http/route-catalog';
import { API_RESOURCES } from './api-resources';
import { resourceKey, servedVerbs } from './resource-routes';

/** Kubernetes discovery documents (`meta/v1`), as kubectl reads them. */
export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
}

export interface APIResourceList {
  kind: 'APIResourceList';
  apiVersion: 'v1';
  groupVersion: string;
  resources: APIResource[];
}

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIGroup {
  kind: 'APIGroup';
  apiVersion: 'v1';
  name: string;
  versions: GroupVersionForDiscovery[];
  preferredVersion: GroupVersionForDiscovery;
}

export interface APIGroupList {
  kind: 'APIGroupList';
  apiVersion: 'v1';
  groups: Omit<APIGroup, 'kind' | 'apiVersion'>[];
}

export interface APIVersions {
  kind: 'APIVersions';
  versions: string[];
  serverAddressByClientCIDRs: { clientCIDR: string; serverAddress: string }[];
}

/** The core group has no name: its one version is `v1` at `/api/v1`. */
export const CORE_VERSION = 'v1';

/**
 * Builds the discovery documents from the resource declarations and the verbs the controllers
 * actually serve (read from RouteCatalog). A declared resource nobody serves is not advertised, a
 * group without resources is not listed.
 */
@Injectable()
export class ApiDiscovery {
  private byGroupVersion?: Map<string, APIResource[]>;

  constructor(private readonly routes: RouteCatalog) {}

  /** Resources of one group version (`v1` for the core group); undefined when it has none. */
  resources(groupVersion: string): APIResourceList | undefined {
    const resources = this.index().get(groupVersion);
    return resources ? { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources } : undefined;
  }

  /** Named groups in declaration order, each with its versions (one today: the preferred). */
  groups(): APIGroup[] {
    const versions = new Map<string, GroupVersionForDiscovery[]>();
    for (const groupVersion of this.index().keys()) {
      const [group, version] = groupVersion.split('/');
      if (version === undefined) continue; // the core group lives at /api
      versions.set(group, [...(versions.get(group) ?? []), { groupVersion, version }]);
    }
    return [...versions].map(([name, list]) => ({ kind: 'APIGroup', apiVersion: 'v1', name, versions: list, preferredVersion: list[0] }));
  }

  groupList(): APIGroupList {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: this.groups().map(({ name, versions, preferredVersion }) => ({ name, versions, preferredVersion })) };
  }

  /** The routes are only known once every module is initialized, so this is built on first use. */
  private index(): Map<string, APIResource[]> {
    if (this.byGroupVersion) return this.byGroupVersion;
    const verbs = servedVerbs(this.routes.served());
    const index = new Map<string, APIResource[]>();
    for (const declaration of API_RESOURCES) {
      const served = verbs.get(resourceKey(declaration.groupVersion, declaration.name));
      if (!served || served.size === 0) continue;
      const advertised = new Set(served);
      if (declaration.watch && served.has('list')) advertised.add('watch');
      const resource: APIResource = {
        name: declaration.name,
        singularName: declaration.singularName,
        namespaced: declaration.namespaced,
        kind: declaration.kind,
        verbs: [...advertised].sort(),
        ...(declaration.shortNames ? { shortNames: declaration.shortNames } : {}),
      };
      index.set(declaration.groupVersion, [...(index.get(declaration.groupVersion) ?? []), resource]);
    }
    this.byGroupVersion = index;
    return index;
  }
}
