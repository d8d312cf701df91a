import type { CatalogTemplate } from '../catalog-types';
import { generated, NAMESPACE_PARAMETER, parameter, persistentVolumeClaim, postgresqlDeployment, postgresqlService } from './template-parts';

/**
 * A standalone PostgreSQL server (reference §11): nothing has to be supplied, the user and
 * password are generated (the user is required *and* generated, as in OpenShift's). The
 * persistent variant keeps the data on a claim of VOLUME_CAPACITY.
 */
function postgresqlTemplate(variant: { name: string; persistent: boolean }): CatalogTemplate {
  return {
    apiVersion: 'template.openshift.io/v1',
    kind: 'Template',
    metadata: {
      name: variant.name,
      annotations: {
        'openshift.io/display-name': `PostgreSQL (${variant.persistent ? 'Persistent' : 'Ephemeral'})`,
        description: variant.persistent
          ? 'A PostgreSQL server with its data on a persistent volume claim.'
          : 'A PostgreSQL server without persistent storage: the data is lost when the pod goes. For trying things out only.',
        'openshift.io/long-description':
          'Creates a Secret with the credentials, a Service and a Deployment whose image follows the postgresql image stream tag chosen by POSTGRESQL_VERSION. The database name, user and password come from the parameters (user and password generated when not given).',
        iconClass: 'icon-postgresql',
        tags: 'database,postgresql',
        'openshift.io/provider-display-name': 'imagestreams samples',
        'openshift.io/documentation-url': 'https://github.com/sclorg/postgresql-container',
      },
    },
    message:
      'The following service(s) have been created in your project: ${DATABASE_SERVICE_NAME}.\n\n       Username: ${POSTGRESQL_USER}\n       Password: ${POSTGRESQL_PASSWORD}\n  Database Name: ${POSTGRESQL_DATABASE}\n Connection URL: postgresql://${DATABASE_SERVICE_NAME}:5432/',
    labels: { template: variant.name },
    objects: [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: '${DATABASE_SERVICE_NAME}',
          annotations: {
            'template.openshift.io/expose-database_name': "{.data['database-name']}",
            'template.openshift.io/expose-username': "{.data['database-user']}",
            'template.openshift.io/expose-password': "{.data['database-password']}",
          },
        },
        stringData: { 'database-name': '${POSTGRESQL_DATABASE}', 'database-user': '${POSTGRESQL_USER}', 'database-password': '${POSTGRESQL_PASSWORD}' },
      },
      postgresqlService('${DATABASE_SERVICE_NAME}'),
      ...(variant.persistent ? [persistentVolumeClaim('${DATABASE_SERVICE_NAME}', '${VOLUME_CAPACITY}')] : []),
      postgresqlDeployment({
        name: '${DATABASE_SERVICE_NAME}',
        secret: '${DATABASE_SERVICE_NAME}',
        memoryLimit: '${MEMORY_LIMIT}',
        version: '${POSTGRESQL_VERSION}',
        ...(variant.persistent ? { claimName: '${DATABASE_SERVICE_NAME}' } : {}),
      }),
    ],
    parameters: [
      parameter('MEMORY_LIMIT', 'Memory Limit', 'The most memory the container may use.', { value: '512Mi', required: true }),
      NAMESPACE_PARAMETER,
      parameter('DATABASE_SERVICE_NAME', 'Database Service Name', 'The name of the Service, Deployment and Secret.', { value: 'postgresql', required: true }),
      generated('POSTGRESQL_USER', 'PostgreSQL Connection Username', 'The user the database is created for.', 'user[A-Z0-9]{3}', { required: true }),
      generated('POSTGRESQL_PASSWORD', 'PostgreSQL Connection Password', "That user's password.", '[a-zA-Z0-9]{16}', { required: true }),
      parameter('POSTGRESQL_DATABASE', 'PostgreSQL Database Name', 'The database created at start.', { value: 'sampledb', required: true }),
      ...(variant.persistent ? [parameter('VOLUME_CAPACITY', 'Volume Capacity', 'The size of the data volume, e.g. 512Mi or 2Gi.', { value: '1Gi', required: true })] : []),
      parameter('POSTGRESQL_VERSION', 'PostgreSQL Version', 'The postgresql image stream tag to run (16-el9, 15-el9, 13-el9 or latest).', { value: '16-el9', required: true }),
    ],
  };
}

export const POSTGRESQL_EPHEMERAL = postgresqlTemplate({ name: 'postgresql-ephemeral', persistent: false });
export const POSTGRESQL_PERSISTENT = postgresqlTemplate({ name: 'postgresql-persistent', persistent: true });
