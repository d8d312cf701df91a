import { Injectable, type OnModuleInit, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';

interface Route {
  method: string;
  /** Path split on `/`; a `:param` segment matches any one segment. */
  segments: string[];
}

/** A served route as documentation and discovery see it: `GET /apis/image.openshift.io/v1/images/:name`. */
export interface ServedRoute {
  method: string;
  path: string;
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? [value] : ['/'];
}

/**
 * Every HTTP route the gateway serves, read from the controllers' own decorators so it can never
 * drift from them. Express answers an unknown verb on a known path like an unknown path; the
 * exception filter asks this catalog to tell the two apart (405 with `Allow` versus 404).
 */
@Injectable()
export class RouteCatalog implements OnModuleInit {
  private routes: Route[] = [];
  /** Routes mounted on the HTTP adapter directly (not by a controller), added by whoever mounts them. */
  private readonly external: Route[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    const routes: Route[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const { metatype, instance } = wrapper;
      if (!metatype || !instance) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const base of asList(Reflect.getMetadata(PATH_METADATA, metatype))) {
        for (const methodName of this.scanner.getAllMethodNames(prototype)) {
          const handler = prototype[methodName] as object;
          const verb: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
          if (typeof verb !== 'number') continue;
          for (const path of asList(Reflect.getMetadata(PATH_METADATA, handler))) {
            routes.push({ method: RequestMethod[verb], segments: [...segmentsOf(base), ...segmentsOf(path)] });
          }
        }
      }
    }
    this.routes = routes;
  }

  /** Declares a route served outside the controllers (e.g. `/openapi.json`), so a wrong verb on it is 405 too. */
  addExternal(method: string, path: string): void {
    this.external.push({ method: method.toUpperCase(), segments: segmentsOf(path) });
  }

  /** Every route, controllers' and external, with `:param` segments as declared. */
  served(): ServedRoute[] {
    return [...this.routes, ...this.external].map((route) => ({ method: route.method, path: `/${route.segments.join('/')}` }));
  }

  /** Verbs served at this path (query string ignored); empty when no route has its shape. */
  methodsAt(url: string): string[] {
    const requested = segmentsOf(url.split('?', 1)[0]);
    const methods = new Set<string>();
    for (const route of [...this.routes, ...this.external]) {
      if (route.segments.length !== requested.length) continue;
      if (route.segments.every((segment, index) => segment.startsWith(':') || segment === requested[index])) methods.add(route.method);
    }
    // Express serves HEAD from every GET route.
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }
}
