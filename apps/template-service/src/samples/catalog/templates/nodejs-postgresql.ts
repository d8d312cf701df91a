import type { CatalogTemplate } from '../catalog-types';
import { applicationFrontEnd, generated, NAMESPACE_PARAMETER, parameter, postgresqlService, secretEnv, sourceBuildConfig, sourceParameters, type JsonObject } from './template-parts';

/**
 * Node.js + PostgreSQL: a REST application built from Git with the nodejs builder and a
 * PostgreSQL server. Unlike the other templates it deploys with DeploymentConfigs
 * (`apps.openshift.io/v1`), whose ImageChange + ConfigChange triggers roll them out when their
 * image stream tag moves, so the catalog shows both ways of following an image.
 */

const DATABASE_ENV: JsonObject[] = [
  secretEnv('POSTGRESQL_USER', '${NAME}', 'database-user'),
  secretEnv('POSTGRESQL_PASSWORD', '${NAME}', 'database-password'),
  { name: 'POSTGRESQL_DATABASE', value: '${DATABASE_NAME}' },
  secretEnv('POSTGRESQL_ADMIN_PASSWORD', '${NAME}', 'database-admin-password'),
];

function deploymentConfig(options: { name: string; description: string; container: JsonObject; tag: string; namespace?: string; volumes?: JsonObject[] }): JsonObject {
  return {
    apiVersion: 'apps.openshift.io/v1',
    kind: 'DeploymentConfig',
    metadata: { name: options.name, annotations: { description: options.description, 'template.alpha.openshift.io/wait-for-ready': 'true' } },
    spec: {
      replicas: 1,
      selector: { name: options.name },
      strategy: { type: 'Recreate' },
      template: {
        metadata: { name: options.name, labels: { name: options.name } },
        spec: { containers: [options.container], ...(options.volumes ? { volumes: options.volumes } : {}) },
      },
      triggers: [
        {
          type: 'ImageChange',
          imageChangeParams: {
            automatic: true,
            containerNames: [options.container['name']],
            from: { kind: 'ImageStreamTag', name: options.tag, ...(options.namespace ? { namespace: options.namespace } : {}) },
          },
        },
        { type: 'ConfigChange' },
      ],
    },
  };
}

export const NODEJS_POSTGRESQL_EXAMPLE: CatalogTemplate = {
  apiVersion: 'template.openshift.io/v1',
  kind: 'Template',
  metadata: {
    name: 'nodejs-postgresql-example',
    annotations: {
      'openshift.io/display-name': 'Node.js + PostgreSQL (Ephemeral)',
      description: 'A Node.js REST application with a PostgreSQL database without persistent storage. The application is built from source with the nodejs builder.',
      'openshift.io/long-description':
        'Builds the application from Git with the Node.js S2I builder (rebuilt by GitHub and generic webhooks and by new builder images) and deploys it and its database with DeploymentConfigs that roll out when their image stream tags move.',
      tags: 'quickstart,nodejs',
      iconClass: 'icon-nodejs',
      'openshift.io/provider-display-name': 'imagestreams samples',
      'openshift.io/documentation-url': 'https://github.com/nodeshift-starters/nodejs-rest-http-crud',
      'template.openshift.io/bindable': 'false',
    },
  },
  message:
    'The following service(s) have been created in your project: ${NAME}, ${DATABASE_SERVICE_NAME}.\n\nThe database user is ${DATABASE_USER}; the passwords are in the Secret ${NAME}.',
  labels: { app: 'nodejs-postgresql-example', template: 'nodejs-postgresql-example' },
  objects: [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: '${NAME}' },
      stringData: { 'database-user': '${DATABASE_USER}', 'database-password': '${DATABASE_PASSWORD}', 'database-admin-password': '${DATABASE_ADMIN_PASSWORD}' },
    },
    ...applicationFrontEnd(),
    sourceBuildConfig({ builder: 'nodejs:${NODEJS_VERSION}', env: [{ name: 'NPM_MIRROR', value: '${NPM_MIRROR}' }] }),
    deploymentConfig({
      name: '${NAME}',
      description: 'Defines how to deploy the application server',
      tag: '${NAME}:latest',
      container: {
        name: 'nodejs-postgresql-example',
        image: ' ',
        ports: [{ containerPort: 8080 }],
        env: [{ name: 'DATABASE_SERVICE_NAME', value: '${DATABASE_SERVICE_NAME}' }, ...DATABASE_ENV],
        readinessProbe: { httpGet: { path: '/', port: 8080 }, initialDelaySeconds: 3, timeoutSeconds: 3 },
        livenessProbe: { httpGet: { path: '/', port: 8080 }, initialDelaySeconds: 30, timeoutSeconds: 3 },
        resources: { limits: { memory: '${MEMORY_LIMIT}' } },
      },
    }),
    postgresqlService('${DATABASE_SERVICE_NAME}'),
    deploymentConfig({
      name: '${DATABASE_SERVICE_NAME}',
      description: 'Defines how to deploy the database',
      tag: 'postgresql:${POSTGRESQL_VERSION}',
      namespace: '${NAMESPACE}',
      container: {
        name: 'postgresql',
        image: ' ',
        ports: [{ containerPort: 5432 }],
        env: DATABASE_ENV,
        readinessProbe: { exec: { command: ['/usr/libexec/check-container'] }, initialDelaySeconds: 5, timeoutSeconds: 1 },
        livenessProbe: { tcpSocket: { port: 5432 }, initialDelaySeconds: 30, timeoutSeconds: 1 },
        resources: { limits: { memory: '${MEMORY_POSTGRESQL_LIMIT}' } },
        volumeMounts: [{ name: '${DATABASE_SERVICE_NAME}-data', mountPath: '/var/lib/pgsql/data' }],
      },
      volumes: [{ name: '${DATABASE_SERVICE_NAME}-data', emptyDir: {} }],
    }),
  ],
  parameters: [
    parameter('NAME', 'Name', 'The name given to every object of the application.', { value: 'nodejs-postgresql-example', required: true }),
    NAMESPACE_PARAMETER,
    parameter('NODEJS_VERSION', 'Node.js Version', 'The nodejs image stream tag to build with (22-ubi9, 20-ubi9, 22-ubi8 or latest).', { value: '22-ubi9', required: true }),
    parameter('POSTGRESQL_VERSION', 'PostgreSQL Version', 'The postgresql image stream tag to run (16-el9, 15-el9, 13-el9 or latest).', { value: '16-el9', required: true }),
    parameter('MEMORY_LIMIT', 'Memory Limit', 'The most memory the Node.js container may use.', { value: '256Mi', required: true }),
    parameter('MEMORY_POSTGRESQL_LIMIT', 'Memory Limit (PostgreSQL)', 'The most memory the PostgreSQL container may use.', { value: '256Mi', required: true }),
    ...sourceParameters({ repository: 'https://github.com/nodeshift-starters/nodejs-rest-http-crud.git' }),
    parameter('DATABASE_SERVICE_NAME', 'Database Service Name', 'The name of the database Service and DeploymentConfig.', { value: 'postgresql', required: true }),
    generated('DATABASE_USER', 'Database Username', 'The database user the application connects as.', 'user[A-Z0-9]{3}'),
    generated('DATABASE_PASSWORD', 'Database Password', "That user's password.", '[a-zA-Z0-9]{16}'),
    parameter('DATABASE_NAME', 'Database Name', 'The database the application uses.', { value: 'my_data', required: true }),
    generated('DATABASE_ADMIN_PASSWORD', 'Database Administrator Password', "The postgres superuser's password.", '[a-zA-Z0-9]{16}'),
    parameter('NPM_MIRROR', 'Custom NPM Mirror URL', 'An npm registry mirror to install packages from during the build.'),
  ],
};
