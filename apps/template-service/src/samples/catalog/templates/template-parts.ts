import type { CatalogTemplateParameter } from '../catalog-types';

/** Pieces the catalog templates share: parameters, env entries, and the PostgreSQL server they all run. */

export type JsonObject = Record<string, unknown>;

export function parameter(name: string, displayName: string, description: string, options: { value?: string; required?: boolean } = {}): CatalogTemplateParameter {
  return {
    name,
    displayName,
    description,
    ...(options.value === undefined ? {} : { value: options.value }),
    ...(options.required ? { required: true } : {}),
  };
}

/** A parameter generated from an expression (`[a-zA-Z0-9]{40}`, `user[A-Z0-9]{3}`) unless a value is given. */
export function generated(name: string, displayName: string, description: string, from: string, options: { required?: boolean } = {}): CatalogTemplateParameter {
  return { name, displayName, description, generate: 'expression', from, ...(options.required ? { required: true } : {}) };
}

export const NAMESPACE_PARAMETER = parameter('NAMESPACE', 'Namespace', 'The namespace holding the image streams the builds and deployments start from (the samples namespace).', {
  value: 'openshift',
  required: true,
});

export function secretEnv(name: string, secret: string, key: string): JsonObject {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/**
 * The `image.openshift.io/triggers` annotation: which container images follow which image stream
 * tag (OpenShift's trigger controller, here trigger-dispatcher, rewrites them when the tag moves).
 */
export function imageTriggers(triggers: { tag: string; namespace?: string; fieldPath: string }[]): string {
  return JSON.stringify(
    triggers.map((trigger) => ({ from: { kind: 'ImageStreamTag', name: trigger.tag, ...(trigger.namespace ? { namespace: trigger.namespace } : {}) }, fieldPath: trigger.fieldPath })),
  );
}

export function persistentVolumeClaim(name: string, capacity: string): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: capacity } } },
  };
}

export function postgresqlService(name: string): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, annotations: { description: 'Exposes the database server' } },
    spec: { ports: [{ name: 'postgresql', port: 5432, targetPort: 5432 }], selector: { name } },
  };
}

export interface PostgresqlServerOptions {
  /** Object and pod name, e.g. `${DATABASE_SERVICE_NAME}`. */
  name: string;
  /** The Secret holding `database-user`, `database-password` (and `database-name` when `databaseFromSecret`). */
  secret: string;
  /** The `POSTGRESQL_DATABASE` value, unless the secret holds it. */
  database?: string;
  memoryLimit: string;
  version: string;
  /** A PVC of that name holds the data; otherwise an emptyDir (lost with the pod). */
  claimName?: string;
  extraEnv?: JsonObject[];
}

/** The PostgreSQL server: a Deployment whose image follows `postgresql:<version>` in the samples namespace. */
export function postgresqlDeployment(options: PostgresqlServerOptions): JsonObject {
  const volume = `${options.name}-data`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: options.name,
      annotations: {
        description: 'Defines how to deploy the database',
        'image.openshift.io/triggers': imageTriggers([{ tag: `postgresql:${options.version}`, namespace: '${NAMESPACE}', fieldPath: 'spec.template.spec.containers[0].image' }]),
        'template.alpha.openshift.io/wait-for-ready': 'true',
      },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { name: options.name } },
      strategy: { type: 'Recreate' },
      template: {
        metadata: { name: options.name, labels: { name: options.name } },
        spec: {
          containers: [
            {
              name: 'postgresql',
              image: ' ',
              ports: [{ containerPort: 5432 }],
              env: [
                secretEnv('POSTGRESQL_USER', options.secret, 'database-user'),
                secretEnv('POSTGRESQL_PASSWORD', options.secret, 'database-password'),
                options.database === undefined ? secretEnv('POSTGRESQL_DATABASE', options.secret, 'database-name') : { name: 'POSTGRESQL_DATABASE', value: options.database },
                ...(options.extraEnv ?? []),
              ],
              readinessProbe: { exec: { command: ['/usr/libexec/check-container'] }, initialDelaySeconds: 5, timeoutSeconds: 1 },
              livenessProbe: { exec: { command: ['/usr/libexec/check-container', '--live'] }, initialDelaySeconds: 120, timeoutSeconds: 10 },
              resources: { limits: { memory: options.memoryLimit } },
              volumeMounts: [{ name: volume, mountPath: '/var/lib/pgsql/data' }],
            },
          ],
          volumes: [options.claimName ? { name: volume, persistentVolumeClaim: { claimName: options.claimName } } : { name: volume, emptyDir: {} }],
        },
      },
    },
  };
}

/** The S2I BuildConfig of an example application: Git source, a builder image stream tag, and all four kinds of trigger. */
export function sourceBuildConfig(options: { builder: string; env: JsonObject[] }): JsonObject {
  return {
    apiVersion: 'build.openshift.io/v1',
    kind: 'BuildConfig',
    metadata: {
      name: '${NAME}',
      annotations: { description: 'Defines how to build the application', 'template.alpha.openshift.io/wait-for-ready': 'true' },
    },
    spec: {
      source: { type: 'Git', git: { uri: '${SOURCE_REPOSITORY_URL}', ref: '${SOURCE_REPOSITORY_REF}' }, contextDir: '${CONTEXT_DIR}' },
      strategy: {
        type: 'Source',
        sourceStrategy: { from: { kind: 'ImageStreamTag', namespace: '${NAMESPACE}', name: options.builder }, env: options.env },
      },
      output: { to: { kind: 'ImageStreamTag', name: '${NAME}:latest' } },
      triggers: [
        { type: 'ImageChange' },
        { type: 'ConfigChange' },
        { type: 'GitHub', github: { secret: '${GITHUB_WEBHOOK_SECRET}' } },
        { type: 'Generic', generic: { secret: '${GENERIC_WEBHOOK_SECRET}' } },
      ],
    },
  };
}

/** The application's Service (port `web`, 8080), Route and output ImageStream. */
export function applicationFrontEnd(): JsonObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: '${NAME}',
        annotations: {
          description: 'Exposes and load balances the application pods',
          'service.alpha.openshift.io/dependencies': '[{"name": "${DATABASE_SERVICE_NAME}", "kind": "Service"}]',
        },
      },
      spec: { ports: [{ name: 'web', port: 8080, targetPort: 8080 }], selector: { name: '${NAME}' } },
    },
    {
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name: '${NAME}' },
      spec: { host: '${APPLICATION_DOMAIN}', to: { kind: 'Service', name: '${NAME}' } },
    },
    {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: '${NAME}', annotations: { description: 'Keeps track of changes in the application image' } },
    },
  ];
}

/** Source, webhook and route parameters every example application has, in this order. */
export function sourceParameters(defaults: { repository: string; ref?: string }): CatalogTemplateParameter[] {
  return [
    parameter('SOURCE_REPOSITORY_URL', 'Git Repository URL', 'The URL of the repository with your application source code.', { value: defaults.repository, required: true }),
    parameter('SOURCE_REPOSITORY_REF', 'Git Reference', 'A branch, tag or commit to build; empty means the default branch.', defaults.ref === undefined ? {} : { value: defaults.ref }),
    parameter('CONTEXT_DIR', 'Context Directory', 'The subdirectory of the repository holding the application, if it is not at the root.'),
    parameter('APPLICATION_DOMAIN', 'Application Hostname', 'The host the Route exposes the application at; empty means the router assigns one.'),
    generated('GITHUB_WEBHOOK_SECRET', 'GitHub Webhook Secret', 'The secret in the GitHub webhook URL of the BuildConfig.', '[a-zA-Z0-9]{40}'),
    generated('GENERIC_WEBHOOK_SECRET', 'Generic Webhook Secret', 'The secret in the generic webhook URL of the BuildConfig.', '[a-zA-Z0-9]{40}'),
  ];
}
