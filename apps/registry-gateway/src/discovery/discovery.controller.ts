import { Controller, Get, Param, Req } from '@nestjs/common';
import { StatusError } from '@imagestreams/contracts';
import type { IncomingMessage } from 'node:http';
import { NO_SUCH_ROUTE } from '../http/status-http.filter';
import { ApiDoc } from '../openapi/api-docs';
import { ApiDiscovery, CORE_VERSION, type APIGroup, type APIGroupList, type APIResourceList, type APIVersions } from './api-discovery';
import { versionInfo, type VersionInfo } from './server-version';

/** An unknown group or version: Kubernetes' plain 404 (a NotFoundException would be read as "no such route" and become 405). */
function notFound(): StatusError {
  return new StatusError(NO_SUCH_ROUTE);
}

/**
 * Kubernetes discovery, what kubectl reads before anything else: which group versions exist and,
 * per group version, each resource's scope, kind, short names and verbs.
 */
@Controller()
export class DiscoveryController {
  constructor(private readonly discovery: ApiDiscovery) {}

  @Get('api')
  @ApiDoc({ summary: 'core API versions', returns: 'APIVersions' })
  apiVersions(@Req() request: IncomingMessage): APIVersions {
    // The address clients used to get here: there is no other one to advertise.
    const serverAddress = request.headers.host ?? '';
    return { kind: 'APIVersions', versions: [CORE_VERSION], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }

  @Get('api/:version')
  @ApiDoc({ summary: 'resources of the core group (namespaces, secrets)', returns: 'APIResourceList' })
  coreResources(@Param('version') version: string): APIResourceList {
    if (version !== CORE_VERSION) throw notFound();
    return this.discovery.resources(CORE_VERSION) ?? { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: CORE_VERSION, resources: [] };
  }

  @Get('apis')
  @ApiDoc({ summary: 'API groups with their versions', returns: 'APIGroupList' })
  groups(): APIGroupList {
    return this.discovery.groupList();
  }

  @Get('apis/:group')
  @ApiDoc({ summary: 'one API group with its versions', returns: 'APIGroup' })
  group(@Param('group') name: string): APIGroup {
    const group = this.discovery.groups().find((candidate) => candidate.name === name);
    if (!group) throw notFound();
    return group;
  }

  @Get('apis/:group/:version')
  @ApiDoc({ summary: 'resources of one group version, with the verbs served', returns: 'APIResourceList' })
  groupResources(@Param('group') group: string, @Param('version') version: string): APIResourceList {
    const resources = this.discovery.resources(`${group}/${version}`);
    if (!resources) throw notFound();
    return resources;
  }

  @Get('version')
  @ApiDoc({ summary: 'server version (Kubernetes version.Info), as kubectl version asks', returns: 'VersionInfo' })
  version(): VersionInfo {
    return versionInfo();
  }
}
