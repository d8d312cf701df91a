/** The five services, in the order they are listed to the user. */
export const SERVICE_NAMES = [
  'registry-gateway',
  'stream-service',
  'importer',
  'trigger-dispatcher',
  'template-service',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceDefinition {
  name: ServiceName;
  /** HTTP port used when nothing overrides it; fixed so the gateway URL is predictable. */
  defaultPort: number;
  /** Entry file relative to the repository root. */
  entry: string;
  /** Node.js flags the service runs with (the container images set the same through NODE_OPTIONS). */
  nodeArgs: readonly string[];
}

/**
 * The gateway streams blobs: with V8's default young generation (up to 16 MiB per semi-space) its
 * resident memory settled near 230 MB after a registry benchmark's pulls; with 4 MiB, 170 MB, at
 * the same push and pull speed and tag-move throughput (bench:registry, bench:image-streams).
 */
const NODE_ARGS: Partial<Record<ServiceName, readonly string[]>> = {
  'registry-gateway': ['--max-semi-space-size=4'],
};

const DEFAULT_PORTS: Record<ServiceName, number> = {
  'registry-gateway': 8080,
  'stream-service': 8081,
  importer: 8082,
  'trigger-dispatcher': 8083,
  'template-service': 8084,
};

export const SERVICES: readonly ServiceDefinition[] = SERVICE_NAMES.map((name) => ({
  name,
  defaultPort: DEFAULT_PORTS[name],
  entry: `apps/${name}/src/main.ts`,
  nodeArgs: NODE_ARGS[name] ?? [],
}));

export function serviceDefinition(name: ServiceName): ServiceDefinition {
  const definition = SERVICES.find((service) => service.name === name);
  if (!definition) throw new Error(`Unknown service "${name}"`);
  return definition;
}
