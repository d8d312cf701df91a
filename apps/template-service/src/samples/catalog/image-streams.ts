import type { CatalogImageStream, CatalogTag } from './catalog-types';

/**
 * The sample image streams: S2I builders (ruby, nodejs, python, httpd) and databases
 * (postgresql, mysql, redis). Each has a few versioned tags pulled from public registries and a
 * `latest` tag that is an alias (ImageStreamTag) of the newest version.
 *
 * Image sources (all pullable without credentials):
 * - builders: Red Hat's UBI images on `registry.access.redhat.com` (`ubi9/ruby-33`, ...), the
 *   images OpenShift's community streams use;
 * - databases: the Software Collections' CentOS Stream 9 images on `quay.io/sclorg`
 *   (`postgresql-16-c9s`, ...), tagged `<version>-el9` as OpenShift's community streams tag them,
 *   so templates written for OpenShift (`postgresql:16-el9`) find them.
 * Every tag imports once when it is written (`importPolicy` empty: never scheduled), and
 * `referencePolicy: Local` makes pods pull through the integrated registry.
 */

interface VersionedTag {
  /** Tag name, e.g. `3.3-ubi9`. */
  tag: string;
  version: string;
  /** What the image is based on, for display: `UBI 9`, `CentOS Stream 9`. */
  base: string;
  image: string;
}

interface StreamDefinition {
  name: string;
  displayName: string;
  iconClass: string;
  /** `builder` or `database`: the first word of the `tags` annotation. */
  category: 'builder' | 'database';
  provider: string;
  /** For builders: a repository the builder can build (`oc new-app <stream>~<sampleRepo>`). */
  sampleRepo?: string;
  /** What one tag of it is for, e.g. `Build and run Ruby 3.3 applications on UBI 9`. */
  describe(tag: VersionedTag): string;
  documentation: string;
  versions: VersionedTag[];
  /** The tag `latest` follows: the newest version. */
  latest: string;
}

function tagAnnotations(stream: StreamDefinition, extra: Record<string, string>): Record<string, string> {
  return {
    iconClass: stream.iconClass,
    'openshift.io/provider-display-name': stream.provider,
    ...(stream.sampleRepo ? { sampleRepo: stream.sampleRepo } : {}),
    tags: `${stream.category},${stream.name}`,
    ...extra,
  };
}

function versionTag(stream: StreamDefinition, version: VersionedTag): CatalogTag {
  return {
    name: version.tag,
    annotations: tagAnnotations(stream, {
      description: `${stream.describe(version)}. ${stream.documentation}`,
      'openshift.io/display-name': `${stream.displayName} ${version.version} (${version.base})`,
      supports: `${stream.name}:${version.version},${stream.name}`,
      version: version.version,
    }),
    from: { kind: 'DockerImage', name: version.image },
    generation: null,
    importPolicy: {},
    referencePolicy: { type: 'Local' },
  };
}

function latestTag(stream: StreamDefinition): CatalogTag {
  const newest = stream.versions.find((version) => version.tag === stream.latest);
  if (!newest) throw new Error(`catalog: ${stream.name}:latest follows ${stream.latest}, which the stream does not have`);
  return {
    name: 'latest',
    annotations: tagAnnotations(stream, {
      description: `${stream.describe(newest)}, and whatever newer version this catalog offers later: latest follows the newest tag (${newest.tag} now). Pin a versioned tag to stay on one version.`,
      'openshift.io/display-name': `${stream.displayName} (Latest)`,
      supports: stream.name,
      version: newest.version,
    }),
    from: { kind: 'ImageStreamTag', name: stream.latest },
    generation: null,
    importPolicy: {},
    referencePolicy: { type: 'Local' },
  };
}

function imageStream(stream: StreamDefinition): CatalogImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: stream.name, annotations: { 'openshift.io/display-name': stream.displayName } },
    spec: { lookupPolicy: { local: false }, tags: [...stream.versions.map((version) => versionTag(stream, version)), latestTag(stream)] },
  };
}

const RED_HAT = 'Red Hat, Inc.';
const SCLORG = 'Software Collections (sclorg)';
const UBI = 'registry.access.redhat.com';
const QUAY_SCLORG = 'quay.io/sclorg';

const STREAMS: StreamDefinition[] = [
  {
    name: 'ruby',
    displayName: 'Ruby',
    iconClass: 'icon-ruby',
    category: 'builder',
    provider: RED_HAT,
    sampleRepo: 'https://github.com/sclorg/ruby-ex.git',
    describe: (tag) => `Build and run Ruby ${tag.version} applications on ${tag.base}`,
    documentation: 'The builder runs `bundle install` and starts the application with Puma or rackup; see https://github.com/sclorg/s2i-ruby-container.',
    versions: [
      { tag: '3.3-ubi9', version: '3.3', base: 'UBI 9', image: `${UBI}/ubi9/ruby-33:latest` },
      { tag: '3.1-ubi9', version: '3.1', base: 'UBI 9', image: `${UBI}/ubi9/ruby-31:latest` },
      { tag: '3.3-ubi8', version: '3.3', base: 'UBI 8', image: `${UBI}/ubi8/ruby-33:latest` },
    ],
    latest: '3.3-ubi9',
  },
  {
    name: 'nodejs',
    displayName: 'Node.js',
    iconClass: 'icon-nodejs',
    category: 'builder',
    provider: RED_HAT,
    sampleRepo: 'https://github.com/sclorg/nodejs-ex.git',
    describe: (tag) => `Build and run Node.js ${tag.version} applications on ${tag.base}`,
    documentation: 'The builder runs `npm install` and then `npm start`; see https://github.com/sclorg/s2i-nodejs-container.',
    versions: [
      { tag: '22-ubi9', version: '22', base: 'UBI 9', image: `${UBI}/ubi9/nodejs-22:latest` },
      { tag: '20-ubi9', version: '20', base: 'UBI 9', image: `${UBI}/ubi9/nodejs-20:latest` },
      { tag: '22-ubi8', version: '22', base: 'UBI 8', image: `${UBI}/ubi8/nodejs-22:latest` },
    ],
    latest: '22-ubi9',
  },
  {
    name: 'python',
    displayName: 'Python',
    iconClass: 'icon-python',
    category: 'builder',
    provider: RED_HAT,
    sampleRepo: 'https://github.com/sclorg/django-ex.git',
    describe: (tag) => `Build and run Python ${tag.version} applications on ${tag.base}`,
    documentation: 'The builder installs requirements.txt (or Pipfile) and runs the application with gunicorn or app.py; see https://github.com/sclorg/s2i-python-container.',
    versions: [
      { tag: '3.12-ubi9', version: '3.12', base: 'UBI 9', image: `${UBI}/ubi9/python-312:latest` },
      { tag: '3.11-ubi9', version: '3.11', base: 'UBI 9', image: `${UBI}/ubi9/python-311:latest` },
      { tag: '3.9-ubi9', version: '3.9', base: 'UBI 9', image: `${UBI}/ubi9/python-39:latest` },
    ],
    latest: '3.12-ubi9',
  },
  {
    name: 'httpd',
    displayName: 'Apache HTTP Server (httpd)',
    iconClass: 'icon-apache',
    category: 'builder',
    provider: RED_HAT,
    sampleRepo: 'https://github.com/sclorg/httpd-ex.git',
    describe: (tag) => `Build and serve static content with Apache HTTP Server ${tag.version} on ${tag.base}`,
    documentation: 'The builder copies the repository into the document root; see https://github.com/sclorg/httpd-container.',
    versions: [
      { tag: '2.4-ubi9', version: '2.4', base: 'UBI 9', image: `${UBI}/ubi9/httpd-24:latest` },
      { tag: '2.4-ubi8', version: '2.4', base: 'UBI 8', image: `${UBI}/ubi8/httpd-24:latest` },
    ],
    latest: '2.4-ubi9',
  },
  {
    name: 'postgresql',
    displayName: 'PostgreSQL',
    iconClass: 'icon-postgresql',
    category: 'database',
    provider: SCLORG,
    describe: (tag) => `PostgreSQL ${tag.version} database server on ${tag.base}`,
    documentation: 'Configured with POSTGRESQL_USER, POSTGRESQL_PASSWORD and POSTGRESQL_DATABASE; data in /var/lib/pgsql/data; see https://github.com/sclorg/postgresql-container.',
    versions: [
      { tag: '16-el9', version: '16', base: 'CentOS Stream 9', image: `${QUAY_SCLORG}/postgresql-16-c9s:latest` },
      { tag: '15-el9', version: '15', base: 'CentOS Stream 9', image: `${QUAY_SCLORG}/postgresql-15-c9s:latest` },
      { tag: '13-el9', version: '13', base: 'CentOS Stream 9', image: `${QUAY_SCLORG}/postgresql-13-c9s:latest` },
    ],
    latest: '16-el9',
  },
  {
    name: 'mysql',
    displayName: 'MySQL',
    iconClass: 'icon-mysql-database',
    category: 'database',
    provider: SCLORG,
    describe: (tag) => `MySQL ${tag.version} database server on ${tag.base}`,
    documentation: 'Configured with MYSQL_USER, MYSQL_PASSWORD and MYSQL_DATABASE; data in /var/lib/mysql/data; see https://github.com/sclorg/mysql-container.',
    versions: [
      { tag: '8.4-el9', version: '8.4', base: 'CentOS Stream 9', image: `${QUAY_SCLORG}/mysql-84-c9s:latest` },
      { tag: '8.0-el9', version: '8.0', base: 'CentOS Stream 9', image: `${QUAY_SCLORG}/mysql-80-c9s:latest` },
    ],
    latest: '8.4-el9',
  },
  {
    name: 'redis',
    displayName: 'Redis',
    iconClass: 'icon-redis',
    category: 'database',
    provider: SCLORG,
    describe: (tag) => `Redis ${tag.version} in-memory data store on ${tag.base}`,
    documentation: 'Configured with REDIS_PASSWORD; data in /var/lib/redis/data; see https://github.com/sclorg/redis-container.',
    versions: [
      { tag: '7-el9', version: '7', base: 'CentOS Stream 9', image: `${QUAY_SCLORG}/redis-7-c9s:latest` },
      { tag: '6-el9', version: '6', base: 'CentOS Stream 9', image: `${QUAY_SCLORG}/redis-6-c9s:latest` },
    ],
    latest: '7-el9',
  },
];

export const SAMPLE_IMAGE_STREAMS: readonly CatalogImageStream[] = STREAMS.map(imageStream);
