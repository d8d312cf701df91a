import { ANONYMOUS, serviceAccountIdentity, type Identity } from '@imagestreams/domain-access';
import express from 'express';
import request from 'supertest';
import { AuthenticationFailed } from '../../access/authentication-failed';
import { requestIdentity } from '../../access/request-identity';
import type { AccessOutcome, RegistryAccess, RegistryCaller } from '../auth/registry-access';
import type { RegistryAuthSettings } from '../auth/registry-auth-settings';
import { guard, registryCaller, type RegistryRequirement } from './registry-guard';

const viewer = serviceAccountIdentity('team-a', 'viewer');
const settings: RegistryAuthSettings = { tokenKey: '', tokenTtlSeconds: 300, service: 'imagestreams-registry', realm: '' };

/** RegistryAccess reduced to what the guard asks: who (by header) and the outcome to answer. */
function stubAccess(outcome: AccessOutcome, identityFor: (authorization: string | undefined) => Identity = () => viewer): RegistryAccess {
  return {
    authenticate: async (authorization: string | undefined): Promise<RegistryCaller> => {
      if (authorization === 'Bearer bad') throw new AuthenticationFailed('unknown token');
      return { via: 'credentials', identity: identityFor(authorization) };
    },
    check: async () => outcome,
    checkCatalog: () => outcome,
  } as unknown as RegistryAccess;
}

function appWith(access: RegistryAccess, requirement: RegistryRequirement, authSettings = settings) {
  const seen: { identity?: Identity; caller?: RegistryCaller } = {};
  const app = express();
  app.set('trust proxy', false);
  const handler = (req: express.Request, res: express.Response) => {
    seen.identity = requestIdentity(req);
    seen.caller = registryCaller(req);
    res.status(200).json({ handled: true });
  };
  app.get('/v2/', guard(access, authSettings, requirement), handler);
  app.get('/v2/_catalog', guard(access, authSettings, requirement), handler);
  app.get('/v2/:namespace/:stream/manifests/:reference', guard(access, authSettings, requirement), handler);
  return { app, seen };
}

describe('guard', () => {
  it('lets an allowed caller through to the handler, with its identity recorded for the audit trail', async () => {
    const { app, seen } = appWith(stubAccess('allowed'), { kind: 'repository', action: 'pull' });
    await request(app).get('/v2/team-a/web/manifests/latest').set('authorization', 'Bearer good').expect(200, { handled: true });
    expect(seen).toEqual({ identity: viewer, caller: { via: 'credentials', identity: viewer } });
  });

  it('answers an anonymous caller 401 UNAUTHORIZED with a challenge naming the realm, service and scope', async () => {
    const { app, seen } = appWith(stubAccess('unauthorized', () => ANONYMOUS), { kind: 'repository', action: 'push' });
    const response = await request(app).get('/v2/team-a/web/manifests/latest').set('host', 'registry.example:5000').expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="http://registry.example:5000/v2/token",service="imagestreams-registry",scope="repository:team-a/web:pull,push"');
    expect(response.body).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
    expect(seen).toEqual({});
  });

  it('answers credentials that are not valid 401 with error="invalid_token", never as anonymous', async () => {
    const { app } = appWith(stubAccess('allowed'), { kind: 'repository', action: 'pull' });
    const response = await request(app).get('/v2/team-a/web/manifests/latest').set('authorization', 'Bearer bad').expect(401);
    expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(response.body.errors[0].code).toBe('UNAUTHORIZED');
  });

  it('answers a token without the scope 401 insufficient_scope, so the client fetches a better token', async () => {
    const { app } = appWith(stubAccess('insufficient_scope'), { kind: 'repository', action: 'delete' });
    const response = await request(app).get('/v2/team-a/web/manifests/latest').expect(401);
    expect(response.headers['www-authenticate']).toContain('scope="repository:team-a/web:delete",error="insufficient_scope"');
  });

  it('answers an authenticated caller who may not 403 DENIED naming who, what and where', async () => {
    const { app, seen } = appWith(stubAccess('denied'), { kind: 'repository', action: 'push' });
    const response = await request(app).get('/v2/team-a/web/manifests/latest').set('authorization', 'Bearer good').expect(403);
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(response.body).toEqual({
      errors: [
        {
          code: 'DENIED',
          message: 'User "system:serviceaccount:team-a:viewer" cannot update resource "imagestreams/layers" in API group "image.openshift.io" in the namespace "team-a"',
          detail: [{ Type: 'repository', Name: 'team-a/web', Action: 'push' }],
        },
      ],
    });
    expect(seen).toEqual({});
  });

  it('challenges anonymous callers at the version check without a scope, and names REGISTRY_TOKEN_REALM when set', async () => {
    const { app } = appWith(stubAccess('allowed', () => ANONYMOUS), { kind: 'base' }, { ...settings, realm: 'https://auth.example/v2/token' });
    const response = await request(app).get('/v2/').expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="https://auth.example/v2/token",service="imagestreams-registry"');
    await request(appWith(stubAccess('allowed'), { kind: 'base' }).app).get('/v2/').set('authorization', 'Bearer good').expect(200);
  });

  it('asks for registry:catalog:* at the catalog', async () => {
    const { app } = appWith(stubAccess('unauthorized', () => ANONYMOUS), { kind: 'catalog' });
    const response = await request(app).get('/v2/_catalog').expect(401);
    expect(response.headers['www-authenticate']).toContain('scope="registry:catalog:*"');
  });

  it('answers an invalid repository name NAME_INVALID, before deciding anything', async () => {
    const { app } = appWith(stubAccess('allowed'), { kind: 'repository', action: 'pull' });
    const response = await request(app).get('/v2/Team-A/web/manifests/latest').set('authorization', 'Bearer good').expect(400);
    expect(response.body.errors[0].code).toBe('NAME_INVALID');
  });
});
