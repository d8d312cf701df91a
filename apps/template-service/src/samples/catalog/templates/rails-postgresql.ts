import type { CatalogTemplate } from '../catalog-types';
import {
  applicationFrontEnd,
  generated,
  imageTriggers,
  NAMESPACE_PARAMETER,
  parameter,
  persistentVolumeClaim,
  postgresqlDeployment,
  postgresqlService,
  secretEnv,
  sourceBuildConfig,
  sourceParameters,
  type JsonObject,
} from './template-parts';

/**
 * Rails + PostgreSQL (reference §8.1): the sclorg rails-ex blog application built from Git with
 * the ruby builder, migrated by an init container, and a PostgreSQL server, both Deployments whose
 * images follow image stream tags. The persistent variant keeps the database on a claim.
 *
 * Differences from OpenShift's: the BuildConfig also has a Generic webhook trigger, and the
 * default POSTGRESQL_VERSION is one the catalog's postgresql stream has (16-el9).
 */

const RAILS_ENV_VARIABLES: JsonObject[] = [
  { name: 'DATABASE_SERVICE_NAME', value: '${DATABASE_SERVICE_NAME}' },
  secretEnv('POSTGRESQL_USER', '${NAME}', 'database-user'),
  secretEnv('POSTGRESQL_PASSWORD', '${NAME}', 'database-password'),
  { name: 'POSTGRESQL_DATABASE', value: '${DATABASE_NAME}' },
  secretEnv('SECRET_KEY_BASE', '${NAME}', 'keybase'),
  { name: 'POSTGRESQL_MAX_CONNECTIONS', value: '${POSTGRESQL_MAX_CONNECTIONS}' },
  { name: 'POSTGRESQL_SHARED_BUFFERS', value: '${POSTGRESQL_SHARED_BUFFERS}' },
  { name: 'APPLICATION_DOMAIN', value: '${APPLICATION_DOMAIN}' },
  secretEnv('APPLICATION_USER', '${NAME}', 'application-user'),
  secretEnv('APPLICATION_PASSWORD', '${NAME}', 'application-password'),
  { name: 'RAILS_ENV', value: '${RAILS_ENV}' },
];

function railsDeployment(): JsonObject {
  const probe = (initialDelaySeconds: number) => ({ httpGet: { path: '/articles', port: 8080 }, initialDelaySeconds, timeoutSeconds: 3 });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: '${NAME}',
      annotations: {
        description: 'Defines how to deploy the application server',
        'image.openshift.io/triggers': imageTriggers([
          { tag: '${NAME}:latest', fieldPath: 'spec.template.spec.containers[0].image' },
          { tag: '${NAME}:latest', fieldPath: 'spec.template.spec.initContainers[0].image' },
        ]),
        'template.alpha.openshift.io/wait-for-ready': 'true',
      },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { name: '${NAME}' } },
      strategy: { type: 'Recreate' },
      template: {
        metadata: { name: '${NAME}', labels: { name: '${NAME}' } },
        spec: {
          initContainers: [{ name: 'ruby-init-container', image: ' ', command: ['./migrate-database.sh'], env: RAILS_ENV_VARIABLES }],
          containers: [
            {
              name: '${NAME}',
              image: ' ',
              ports: [{ containerPort: 8080 }],
              env: RAILS_ENV_VARIABLES,
              readinessProbe: probe(5),
              livenessProbe: probe(10),
              resources: { limits: { memory: '${MEMORY_LIMIT}' } },
            },
          ],
        },
      },
    },
  };
}

function railsTemplate(variant: { name: string; persistent: boolean }): CatalogTemplate {
  const storage = variant.persistent ? 'with persistent storage' : 'without persistent storage (the data is lost when the database pod goes)';
  return {
    apiVersion: 'template.openshift.io/v1',
    kind: 'Template',
    metadata: {
      name: variant.name,
      annotations: {
        'openshift.io/display-name': `Rails + PostgreSQL (${variant.persistent ? 'Persistent' : 'Ephemeral'})`,
        description: `A Rails blog application with a PostgreSQL database, ${storage}. The application is built from source with the ruby builder; see https://github.com/sclorg/rails-ex.`,
        tags: 'quickstart,ruby,rails',
        iconClass: 'icon-ruby',
        'openshift.io/long-description':
          'Builds the Rails application from Git with the Ruby S2I builder, migrates the database from an init container before each rollout, and deploys it behind a Route. Pushing to the repository (GitHub or generic webhook) rebuilds it; a new builder image rebuilds it too.',
        'openshift.io/provider-display-name': 'imagestreams samples',
        'openshift.io/documentation-url': 'https://github.com/sclorg/rails-ex',
        'template.openshift.io/bindable': 'false',
      },
    },
    message:
      'The following service(s) have been created in your project: ${NAME}, ${DATABASE_SERVICE_NAME}.\n\nThe blog at /articles lets ${APPLICATION_USER} (password ${APPLICATION_PASSWORD}) write articles.\n\nFor more information about this sample, see https://github.com/sclorg/rails-ex.',
    labels: { app: variant.name, template: variant.name },
    objects: [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: '${NAME}',
          ...(variant.persistent
            ? { annotations: { 'template.openshift.io/expose-username': "{.data['application-user']}", 'template.openshift.io/expose-password': "{.data['application-password']}" } }
            : {}),
        },
        stringData: {
          'database-user': '${DATABASE_USER}',
          'database-password': '${DATABASE_PASSWORD}',
          'application-user': '${APPLICATION_USER}',
          'application-password': '${APPLICATION_PASSWORD}',
          keybase: '${SECRET_KEY_BASE}',
        },
      },
      ...applicationFrontEnd(),
      sourceBuildConfig({ builder: 'ruby:${RUBY_VERSION}', env: [{ name: 'RUBYGEM_MIRROR', value: '${RUBYGEM_MIRROR}' }] }),
      railsDeployment(),
      ...(variant.persistent ? [persistentVolumeClaim('${DATABASE_SERVICE_NAME}', '${VOLUME_CAPACITY}')] : []),
      postgresqlService('${DATABASE_SERVICE_NAME}'),
      postgresqlDeployment({
        name: '${DATABASE_SERVICE_NAME}',
        secret: '${NAME}',
        database: '${DATABASE_NAME}',
        memoryLimit: '${MEMORY_POSTGRESQL_LIMIT}',
        version: '${POSTGRESQL_VERSION}',
        ...(variant.persistent ? { claimName: '${DATABASE_SERVICE_NAME}' } : {}),
        extraEnv: [
          { name: 'POSTGRESQL_MAX_CONNECTIONS', value: '${POSTGRESQL_MAX_CONNECTIONS}' },
          { name: 'POSTGRESQL_SHARED_BUFFERS', value: '${POSTGRESQL_SHARED_BUFFERS}' },
        ],
      }),
    ],
    parameters: [
      parameter('NAME', 'Name', 'The name given to every object of the application.', { value: variant.name, required: true }),
      NAMESPACE_PARAMETER,
      parameter('RUBY_VERSION', 'Ruby Version', 'The ruby image stream tag to build with (3.3-ubi9, 3.1-ubi9, 3.3-ubi8 or latest).', { value: '3.3-ubi9', required: true }),
      parameter('POSTGRESQL_VERSION', 'PostgreSQL Version', 'The postgresql image stream tag to run (16-el9, 15-el9, 13-el9 or latest).', { value: '16-el9', required: true }),
      parameter('MEMORY_LIMIT', 'Memory Limit', 'The most memory the Rails container may use.', { value: '512Mi', required: true }),
      parameter('MEMORY_POSTGRESQL_LIMIT', 'Memory Limit (PostgreSQL)', 'The most memory the PostgreSQL container may use.', { value: '512Mi', required: true }),
      ...(variant.persistent ? [parameter('VOLUME_CAPACITY', 'Volume Capacity', 'The size of the database volume, e.g. 512Mi or 2Gi.', { value: '1Gi', required: true })] : []),
      ...sourceParameters({ repository: 'https://github.com/sclorg/rails-ex.git', ref: '3.3' }),
      generated('SECRET_KEY_BASE', 'Secret Key', 'Signs the Rails session cookies.', '[a-z0-9]{127}'),
      parameter('APPLICATION_USER', 'Application Username', 'The user who may write articles.', { value: 'openshift', required: true }),
      parameter('APPLICATION_PASSWORD', 'Application Password', "That user's password.", { value: 'secret', required: true }),
      parameter('RAILS_ENV', 'Rails Environment', 'production, development or test.', { value: 'production', required: true }),
      parameter('DATABASE_SERVICE_NAME', 'Database Service Name', 'The name of the database Service and Deployment.', { value: 'postgresql', required: true }),
      generated('DATABASE_USER', 'Database Username', 'The database user the application connects as.', 'user[A-Z0-9]{3}'),
      generated('DATABASE_PASSWORD', 'Database Password', "That user's password.", '[a-zA-Z0-9]{16}'),
      parameter('DATABASE_NAME', 'Database Name', 'The database the application uses.', { value: 'root', required: true }),
      parameter('POSTGRESQL_MAX_CONNECTIONS', 'Maximum Database Connections', 'PostgreSQL max_connections.', { value: '100' }),
      parameter('POSTGRESQL_SHARED_BUFFERS', 'Shared Buffer Amount', 'PostgreSQL shared_buffers.', { value: '12MB' }),
      parameter('RUBYGEM_MIRROR', 'Custom RubyGems Mirror URL', 'A RubyGems mirror to install gems from during the build.'),
    ],
  };
}

export const RAILS_POSTGRESQL_EXAMPLE = railsTemplate({ name: 'rails-postgresql-example', persistent: false });
export const RAILS_PGSQL_PERSISTENT = railsTemplate({ name: 'rails-pgsql-persistent', persistent: true });
