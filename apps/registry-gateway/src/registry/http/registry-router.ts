import type { INestApplication } from '@nestjs/common';
import { linkHeader, malformedPathError, MAX_MANIFEST_BYTES, parsePageParams, RegistryError } from '@imagestreams/domain-registry';
import { sendBlobBody } from '@imagestreams/platform-blob-storage';
import express, { type NextFunction, type Request, type Response } from 'express';
import { RegistryAccess, type RegistryCaller } from '../auth/registry-access';
import { REGISTRY_AUTH_SETTINGS, type RegistryAuthSettings } from '../auth/registry-auth-settings';
import { RegistryTokens } from '../auth/registry-tokens';
import { BlobUploads } from '../blob-uploads';
import { Blobs } from '../blobs';
import { Discovery } from '../discovery';
import { Manifests } from '../manifests';
import { registryReceivedBytes, registrySentBytes } from '../registry-metrics';
import { parseRepositoryName, repositoryName, type RepositoryName } from '../repository-name';
import { declaredLength, queryValue, readSmallBody } from './request-body';
import { sendRegistryError } from './registry-error-response';
import { challengeFor, guard, registryCaller, sendChallenge, type RegistryRequirement } from './registry-guard';
import { tokenEndpoint } from './registry-token-endpoint';

type Handler = (request: Request, response: Response) => Promise<void>;

const REPOSITORY = '/:namespace/:stream';

function repositoryOf(request: Request): RepositoryName {
  return repositoryName(String(request.params['namespace']), String(request.params['stream']));
}

function param(request: Request, name: string): string {
  return String(request.params[name]);
}

function handle(handler: Handler) {
  return (request: Request, response: Response): void => {
    handler(request, response).catch((error: unknown) => sendRegistryError(response, error));
  };
}

function methodNotAllowed(request: Request, response: Response): void {
  sendRegistryError(response, RegistryError.unsupported(`${request.method} is not supported here`));
}

function uploadLocation(repository: RepositoryName, id: string): string {
  return `/v2/${repository.full}/blobs/uploads/${id}`;
}

/** OCI's `Range: 0-<last byte>` of an upload; `0-0` while it is empty, as distribution answers. */
function uploadRange(size: number): string {
  return `0-${Math.max(size - 1, 0)}`;
}

function pageParams(request: Request): { n?: number; last?: string } {
  return parsePageParams({ n: queryValue(request, 'n'), last: queryValue(request, 'last') });
}

/** Who tag changes are attributed to; undefined without access control. */
function actorOf(request: Request): string | undefined {
  return registryCaller(request).identity?.username;
}

/**
 * The OCI Distribution API under `/v2`, as a plain Express router mounted before Nest's JSON
 * parsing: blobs stream straight between the socket and the store, and every failure is an OCI
 * error body rather than a Kubernetes Status. Each route's guard decides who may call it before
 * its handler reads anything; `/v2/token` hands out the bearer tokens the challenges point to.
 */
export function registryRouter(app: INestApplication): express.Router {
  const blobs = app.get(Blobs);
  const uploads = app.get(BlobUploads);
  const manifests = app.get(Manifests);
  const discovery = app.get(Discovery);
  const access = app.get(RegistryAccess);
  const tokens = app.get(RegistryTokens);
  const authSettings = app.get<symbol, RegistryAuthSettings>(REGISTRY_AUTH_SETTINGS);
  const pull = guard(access, authSettings, { kind: 'repository', action: 'pull' });
  const push = guard(access, authSettings, { kind: 'repository', action: 'push' });
  const pushCreating = guard(access, authSettings, { kind: 'repository', action: 'push', creating: true });
  const uploadRequirement: RegistryRequirement = { kind: 'repository', action: 'push', creating: true, mountSource: true };
  const pushUpload = guard(access, authSettings, uploadRequirement);
  const remove = guard(access, authSettings, { kind: 'repository', action: 'delete' });
  const router = express.Router({ strict: false, caseSensitive: true });

  router.use((_request: Request, response: Response, next: NextFunction) => {
    response.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    next();
  });

  router
    .route('/')
    .get(guard(access, authSettings, { kind: 'base' }), (_request, response) => void response.status(200).json({}))
    .all(methodNotAllowed);

  router.route('/token').get(tokenEndpoint(access, tokens, authSettings, 'GET')).post(tokenEndpoint(access, tokens, authSettings, 'POST')).all(methodNotAllowed);

  router
    .route('/_catalog')
    .get(
      guard(access, authSettings, { kind: 'catalog' }),
      handle(async (request, response) => {
        const page = pageParams(request);
        const caller: RegistryCaller = registryCaller(request);
        const visible = caller.via === 'open' ? undefined : (repository: string) => access.mayPull(caller, repository, false);
        const { body, next } = await discovery.catalog(page, visible);
        if (next) response.setHeader('Link', linkHeader('/v2/_catalog', page.n ?? body.repositories.length, next));
        response.status(200).json(body);
      }),
    )
    .all(methodNotAllowed);

  router
    .route(`${REPOSITORY}/tags/list`)
    .get(
      pull,
      handle(async (request, response) => {
        const repository = repositoryOf(request);
        const page = pageParams(request);
        const { body, next } = await discovery.tags(repository, page);
        if (next) response.setHeader('Link', linkHeader(`/v2/${repository.full}/tags/list`, page.n ?? body.tags.length, next));
        response.status(200).json(body);
      }),
    )
    .all(methodNotAllowed);

  const sendManifest = (withBody: boolean): Handler => async (request, response) => {
    const manifest = await manifests.read(repositoryOf(request), param(request, 'reference'), request.headers.accept);
    response.setHeader('Content-Type', manifest.mediaType);
    response.setHeader('Docker-Content-Digest', manifest.digest);
    response.setHeader('Content-Length', manifest.bytes.length);
    response.status(200);
    response.end(withBody ? manifest.bytes : undefined);
    if (withBody) registrySentBytes.inc({ kind: 'manifest' }, manifest.bytes.length);
  };

  router
    .route(`${REPOSITORY}/manifests/:reference`)
    .head(pull, handle(sendManifest(false)))
    .get(pull, handle(sendManifest(true)))
    .put(
      pushCreating,
      handle(async (request, response) => {
        const repository = repositoryOf(request);
        const bytes = await readSmallBody(request, MAX_MANIFEST_BYTES);
        registryReceivedBytes.inc({ kind: 'manifest' }, bytes.length);
        const written = await manifests.write(repository, param(request, 'reference'), request.headers['content-type'], bytes, actorOf(request));
        response.setHeader('Location', `/v2/${repository.full}/manifests/${written.digest}`);
        response.setHeader('Docker-Content-Digest', written.digest);
        if (written.subject) response.setHeader('OCI-Subject', written.subject);
        response.status(201).end();
      }),
    )
    .delete(
      remove,
      handle(async (request, response) => {
        await manifests.delete(repositoryOf(request), param(request, 'reference'), actorOf(request));
        response.status(202).end();
      }),
    )
    .all(methodNotAllowed);

  router
    .route(`${REPOSITORY}/blobs/uploads`)
    .post(
      pushUpload,
      handle(async (request, response) => {
        const repository = repositoryOf(request);
        const mount = queryValue(request, 'mount');
        const from = queryValue(request, 'from');
        const source = mount && from ? parseRepositoryName(from) : undefined;
        if (mount && source) {
          const caller = registryCaller(request);
          // A token for the target alone, held by someone who may read the source: ask for one naming both, as distribution does.
          if (await access.couldClaimPull(caller, source.full)) {
            sendChallenge(response, challengeFor(authSettings, uploadRequirement, request, 'insufficient_scope'), `the token does not grant pull on ${source.full}, the mount's source`);
            return;
          }
          // A source the caller may not pull is treated like one without the blob: it must not tell which blobs it has.
          if ((await access.mayPull(caller, source.full, true)) && (await blobs.mount(repository, source, mount))) {
            response.setHeader('Location', `/v2/${repository.full}/blobs/${mount}`);
            response.setHeader('Docker-Content-Digest', mount);
            response.status(201).end();
            return;
          }
        }
        const digest = queryValue(request, 'digest');
        if (digest) {
          await uploads.putWhole(repository, digest, { body: request, length: declaredLength(request) });
          response.setHeader('Location', `/v2/${repository.full}/blobs/${digest}`);
          response.setHeader('Docker-Content-Digest', digest);
          response.status(201).end();
          return;
        }
        // A mount the source cannot serve (or the caller may not read) falls back to a regular upload, as the spec asks.
        const id = await uploads.start(repository);
        response.setHeader('Location', uploadLocation(repository, id));
        response.setHeader('Docker-Upload-UUID', id);
        response.setHeader('Range', uploadRange(0));
        response.status(202).end();
      }),
    )
    .all(methodNotAllowed);

  router
    .route(`${REPOSITORY}/blobs/uploads/:id`)
    .get(
      push,
      handle(async (request, response) => {
        const repository = repositoryOf(request);
        const id = param(request, 'id');
        const size = await uploads.offset(repository, id);
        response.setHeader('Location', uploadLocation(repository, id));
        response.setHeader('Docker-Upload-UUID', id);
        response.setHeader('Range', uploadRange(size));
        response.status(204).end();
      }),
    )
    .patch(
      push,
      handle(async (request, response) => {
        const repository = repositoryOf(request);
        const id = param(request, 'id');
        const size = await uploads.append(repository, id, { body: request, length: declaredLength(request), contentRange: request.headers['content-range'] });
        response.setHeader('Location', uploadLocation(repository, id));
        response.setHeader('Docker-Upload-UUID', id);
        response.setHeader('Range', uploadRange(size));
        response.status(202).end();
      }),
    )
    .put(
      push,
      handle(async (request, response) => {
        const repository = repositoryOf(request);
        const digest = queryValue(request, 'digest');
        await uploads.finish(repository, param(request, 'id'), digest, { body: request, length: declaredLength(request), contentRange: request.headers['content-range'] });
        response.setHeader('Location', `/v2/${repository.full}/blobs/${digest}`);
        response.setHeader('Docker-Content-Digest', String(digest));
        response.status(201).end();
      }),
    )
    .delete(
      push,
      handle(async (request, response) => {
        await uploads.cancel(repositoryOf(request), param(request, 'id'));
        response.status(204).end();
      }),
    )
    .all(methodNotAllowed);

  const sendBlob = (withBody: boolean): Handler => async (request, response) => {
    const digest = param(request, 'digest');
    const read = await blobs.read(repositoryOf(request), digest, request.headers.range, withBody);
    response.setHeader('Docker-Content-Digest', digest);
    response.setHeader('Content-Type', 'application/octet-stream');
    response.setHeader('Accept-Ranges', 'bytes');
    if (read.range) {
      response.setHeader('Content-Range', `bytes ${read.range.start}-${read.range.end}/${read.size}`);
      response.setHeader('Content-Length', read.range.end - read.range.start + 1);
      response.status(206);
    } else {
      response.setHeader('Content-Length', read.size);
      response.status(200);
    }
    if (!read.body) {
      response.end();
      return;
    }
    await sendBlobBody(read.body, response);
    registrySentBytes.inc({ kind: 'blob' }, read.range ? read.range.end - read.range.start + 1 : read.size);
  };

  router
    .route(`${REPOSITORY}/blobs/:digest`)
    .head(pull, handle(sendBlob(false)))
    .get(pull, handle(sendBlob(true)))
    .delete(
      remove,
      handle(async (request, response) => {
        await blobs.delete(repositoryOf(request), param(request, 'digest'));
        response.status(202).end();
      }),
    )
    .all(methodNotAllowed);

  router
    .route(`${REPOSITORY}/referrers/:digest`)
    .get(
      pull,
      handle(async (request, response) => {
        const { index, filtered } = await discovery.referrers(repositoryOf(request), param(request, 'digest'), queryValue(request, 'artifactType'));
        if (filtered) response.setHeader('OCI-Filters-Applied', 'artifactType');
        // end(), not send(): the media type must go out exactly, without a charset parameter.
        response.setHeader('Content-Type', index.mediaType);
        response.status(200).end(JSON.stringify(index));
      }),
    )
    .all(methodNotAllowed);

  router.use((request: Request, response: Response) => {
    sendRegistryError(response, new RegistryError('NAME_UNKNOWN', `no registry endpoint at ${request.path}; repository names are <namespace>/<stream>`));
  });
  // Express could not decode a path parameter (`%`, `%ZZ`) while matching a route: the answer is
  // still the registry's own error format, not the API's Status.
  router.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (!(error instanceof URIError) || response.headersSent) return next(error);
    sendRegistryError(response, malformedPathError(request.path));
  });
  return router;
}
