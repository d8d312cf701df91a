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
}

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
}));

export function serviceDefinition(name: ServiceName): ServiceDefinition {
  const definition = SERVICES.find((service) => service.name === name);
  if (!definition) throw new Error(`Unknown service "${name}"`);
  return definition;
}
