import { randomBytes } from 'node:crypto';
import { eventually } from '@imagestreams/testing';
import { adminToken, api, createTestNamespace, mapping, randomDigest } from './support/api';
import {
  auditEvents,
  eventuallyAudited,
  forbiddenStatus,
  issueToken,
  revokeToken,
  serviceAccountCaller,
  serviceAccountUsername,
  type Caller,
  type StatusBody,
} from './support/access';
import { rawHttp, type RawReply } from './support/raw-http';
import { bearer, ociErrorCode, v2 } from './support/registry-http';

/**
 * Issue 8's negative cases (docs/access-control.md): tokens that must not work (expired, revoked,
 * forged, malformed), a namespace's token used in another namespace, path and header tricks that
 * must end in a 4xx with nothing written, and the audit trail of all of it, which never holds a
 * token.
 */

const IMAGE = 'image.openshift.io';
const streamsOf = (namespace: string) => `/apis/${IMAGE}/v1/namespaces/${namespace}/imagestreams`;
const imageStream = (name: string) => JSON.stringify({ apiVersion: `${IMAGE}/v1`, kind: 'ImageStream', metadata: { name } });
const forgedToken = () => `ist_${randomBytes(32).toString('base64url')}`;

describe('access control: what must not get in', () => {
  let teamA: string;
  let teamB: string;
  /** `edit` in team A only. */
  let editor: Caller;
  /** Every token this suite presents, valid or not: none may ever show up in the audit trail. */
  const presented: string[] = [];
  let suiteStart: string;

  async function streamNames(namespace: string): Promise<string[]> {
    const list = await api<{ items: { metadata: { name: string } }[] }>('GET', streamsOf(namespace));
    return list.body.items.map((item) => item.metadata.name).sort();
  }

  beforeAll(async () => {
    suiteStart = new Date().toISOString();
    teamA = await createTestNamespace('access-neg-a');
    teamB = await createTestNamespace('access-neg-b');
    editor = await serviceAccountCaller(teamA, 'editor', ['edit']);
    presented.push(editor.token, adminToken());
    for (const [namespace, stream] of [
      [teamA, 'app'],
      [teamB, 'existing'],
    ]) {
      const reply = await api('POST', `/apis/${IMAGE}/v1/namespaces/${namespace}/imagestreammappings`, mapping(stream, 'v1', randomDigest()));
      if (reply.status !== 201) throw new Error(`setup ${namespace}/${stream}: ${reply.status} ${JSON.stringify(reply.body)}`);
    }
  }, 60_000);

  describe('tokens', () => {
    const read = (token: string) => api<StatusBody>('GET', `${streamsOf(teamA)}/app`, undefined, { token });
    const UNAUTHORIZED = { kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 };

    it('refuses a token once it expired (401), while one without expiry of the same account still works', async () => {
      const subject = { kind: 'ServiceAccount' as const, namespace: teamA, name: 'editor' };
      const expiring = await issueToken(subject, { expiresInSeconds: 1 });
      const lasting = await issueToken(subject);
      presented.push(expiring.token, lasting.token);
      const stored = await api<{ metadata: { creationTimestamp: string }; spec: { expiresAt: string } }>('GET', `/apis/access.imagestreams.io/v1/accesstokens/${expiring.name}`);
      expect(Date.parse(stored.body.spec.expiresAt) - Date.parse(stored.body.metadata.creationTimestamp)).toBeGreaterThanOrEqual(900);
      expect(Date.parse(stored.body.spec.expiresAt) - Date.parse(stored.body.metadata.creationTimestamp)).toBeLessThanOrEqual(1100);

      const refused = await eventually(async () => {
        const reply = await read(expiring.token);
        return reply.status === 401 ? reply : undefined;
      }, 'the expiring token to be refused', 10_000);
      expect(refused.body).toMatchObject(UNAUTHORIZED);
      // The only difference between the two tokens is the expiry.
      expect((await read(lasting.token)).status).toBe(200);
      // Expired stays expired, on the registry too.
      expect((await read(expiring.token)).status).toBe(401);
      const pull = await v2('GET', `${teamA}/app/tags/list`, bearer(expiring.token));
      expect({ status: pull.status, code: ociErrorCode(pull) }).toEqual({ status: 401, code: 'UNAUTHORIZED' });
    });

    it('refuses a token at once after it was revoked (DELETE accesstoken)', async () => {
      const issued = await issueToken({ kind: 'ServiceAccount', namespace: teamA, name: 'editor' });
      presented.push(issued.token);
      expect((await read(issued.token)).status).toBe(200);
      await revokeToken(issued.name);
      const reply = await read(issued.token);
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject(UNAUTHORIZED);
      expect((await api('GET', `/apis/access.imagestreams.io/v1/accesstokens/${issued.name}`)).status).toBe(404);
      expect((await v2('GET', `${teamA}/app/tags/list`, bearer(issued.token))).status).toBe(401);
    });

    it('refuses forged tokens of the right format and malformed ones with 401, never as anonymous', async () => {
      const admin = adminToken();
      const lastChanged = admin.slice(0, -1) + (admin.endsWith('A') ? 'B' : 'A');
      const refused = {
        unknown: forgedToken(),
        adminWithOneCharacterChanged: lastChanged,
        tooShort: 'ist_abc',
        tooLong: `${forgedToken()}x`,
        wrongPrefix: `tok_${randomBytes(32).toString('base64url')}`,
        jwtShaped: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
        adminTokenLowercased: admin.toLowerCase() === admin ? `${admin}z` : admin.toLowerCase(),
      };
      for (const [what, token] of Object.entries(refused)) {
        presented.push(token);
        const reply = await read(token);
        expect({ what, status: reply.status, reason: reply.body?.reason }).toEqual({ what, status: 401, reason: 'Unauthorized' });
        // A path everybody signed in may read (basic-user): still 401, the token is not ignored.
        const whoAmI = await api<StatusBody>('GET', '/apis/user.openshift.io/v1/users/~', undefined, { token });
        expect({ what, status: whoAmI.status }).toEqual({ what, status: 401 });
      }
    });
  });

  describe('a token of namespace A used on namespace B', () => {
    it('is denied with the same 403 whether or not the object exists in B', async () => {
      const existing = await api<StatusBody>('GET', `${streamsOf(teamB)}/existing`, undefined, { token: editor.token });
      const missing = await api<StatusBody>('GET', `${streamsOf(teamB)}/no-such-stream`, undefined, { token: editor.token });
      expect(existing.status).toBe(403);
      expect(missing.status).toBe(403);
      const expected = forbiddenStatus(editor.username, { verb: 'get', group: IMAGE, resource: 'imagestreams', namespace: teamB });
      expect(existing.body).toMatchObject(expected);
      // Apart from the name each asked for, the answers are identical.
      const withoutName = (body: StatusBody) => ({ ...body, details: { ...body.details, name: undefined } });
      expect(withoutName(existing.body)).toEqual(withoutName(missing.body));
      expect(existing.body.details?.name).toBe('existing');
      expect(missing.body.details?.name).toBe('no-such-stream');
    });

    it('cannot write there either, and the control works in A', async () => {
      const create = await api<StatusBody>('POST', streamsOf(teamB), JSON.parse(imageStream('from-a')), { token: editor.token });
      expect(create.status).toBe(403);
      expect(create.body).toMatchObject(forbiddenStatus(editor.username, { verb: 'create', group: IMAGE, resource: 'imagestreams', namespace: teamB }));
      const removal = await api<StatusBody>('DELETE', `${streamsOf(teamB)}/existing`, undefined, { token: editor.token });
      expect(removal.status).toBe(403);
      expect(await streamNames(teamB)).toEqual(['existing']);
      expect((await api('POST', streamsOf(teamA), JSON.parse(imageStream('written-by-editor')), { token: editor.token })).status).toBe(201);
    });
  });

  describe('path injection', () => {
    /** Each would create (or remove) a stream if the path were read the way the attacker hopes. */
    const attempts = (a: string, b: string): { method: string; path: string; body?: string }[] => [
      { method: 'POST', path: `/apis/${IMAGE}/v1/namespaces/..%2F${b}/imagestreams`, body: imageStream('injected-1') },
      { method: 'POST', path: `/apis/${IMAGE}/v1/namespaces/${a}%2F..%2F${b}/imagestreams`, body: imageStream('injected-2') },
      { method: 'POST', path: `/apis/${IMAGE}/v1/namespaces/${a}/..%2F..%2Fnamespaces%2F${b}%2Fimagestreams`, body: imageStream('injected-3') },
      { method: 'POST', path: `/apis/${IMAGE}/v1/namespaces/${a}/../${b}/imagestreams`, body: imageStream('injected-4') },
      { method: 'POST', path: `/apis/${IMAGE}/v1/namespaces/${a}/%2e%2e/${b}/imagestreams`, body: imageStream('injected-5') },
      { method: 'POST', path: `/apis/${IMAGE}/v1/namespaces/${a}/imagestreams`, body: imageStream(`..%2F${b}%2Finjected-6`) },
      { method: 'POST', path: `/apis/${IMAGE}/v1/namespaces/${a}/imagestreams`, body: imageStream(`../${b}/injected-7`) },
      { method: 'PUT', path: `/apis/${IMAGE}/v1/namespaces/${a}/imagestreams/injected-8%2F..%2F..%2F${b}%2Fimagestreams%2Fexisting`, body: imageStream('injected-8') },
      { method: 'DELETE', path: `/apis/${IMAGE}/v1/namespaces/${a}/imagestreams/app%2F..%2F..%2F..%2Fnamespaces%2F${b}%2Fimagestreams%2Fexisting` },
      { method: 'DELETE', path: `/apis/${IMAGE}/v1/namespaces/${a}/imagestreams/..%2F..%2F${b}%2Fimagestreams%2Fexisting` },
      { method: 'POST', path: `/apis/${IMAGE}/v1/namespaces/${b}//imagestreams`, body: imageStream('injected-9') },
      { method: 'POST', path: `//apis/${IMAGE}/v1/namespaces/${b}/imagestreams`, body: imageStream('injected-10') },
      { method: 'POST', path: `/apis/${IMAGE}/v1//namespaces/${b}/imagestreams`, body: imageStream('injected-11') },
      { method: 'POST', path: `/apis//${IMAGE}/v1/namespaces/${b}/imagestreams`, body: imageStream('injected-12') },
      { method: 'POST', path: `/apis/${IMAGE}/v1/namespaces//imagestreams`, body: imageStream('injected-13') },
      { method: 'DELETE', path: `/apis/${IMAGE}/v1/namespaces/${b}//imagestreams//existing` },
      { method: 'DELETE', path: `/api/v1/namespaces/${a}%2F..%2F${b}` },
      { method: 'GET', path: `/apis/${IMAGE}/v1/namespaces/${a}%2F..%2F${b}/imagestreams/existing` },
    ];

    /** A 4xx answer, never a 5xx and never a connection dropped without one. */
    function expectClientError(attempt: { method: string; path: string }, reply: RawReply): void {
      const answered = { attempt: `${attempt.method} ${attempt.path}`, clientError: reply.status >= 400 && reply.status < 500, status: reply.status };
      expect(answered).toEqual({ ...answered, clientError: true });
    }

    it('answers every attempt by A\'s editor with a 4xx', async () => {
      for (const attempt of attempts(teamA, teamB)) {
        const reply = await rawHttp({ ...attempt, headerLines: [`Authorization: Bearer ${editor.token}`] });
        expectClientError(attempt, reply);
      }
    });

    it('answers the same attempts by the admin, who passes every check, with a 4xx too', async () => {
      for (const attempt of attempts(teamA, teamB)) {
        const reply = await rawHttp({ ...attempt, headerLines: [`Authorization: Bearer ${adminToken()}`] });
        expectClientError(attempt, reply);
      }
    });

    it('wrote nothing: no stream was created or removed anywhere', async () => {
      expect(await streamNames(teamB)).toEqual(['existing']);
      expect(await streamNames(teamA)).toEqual(['app', 'written-by-editor']);
      const everywhere = await api<{ items: { metadata: { namespace: string; name: string } }[] }>('GET', `/apis/${IMAGE}/v1/imagestreams`);
      expect(everywhere.body.items.filter((item) => item.metadata.name.includes('injected'))).toEqual([]);
      expect((await api('GET', `/api/v1/namespaces/${teamB}`)).status).toBe(200);
    });
  });

  describe('header injection', () => {
    const create = (name: string, headerLines: string[]) => rawHttp({ method: 'POST', path: streamsOf(teamA), body: imageStream(name), headerLines });

    it('refuses Authorization headers with CR or LF, two Bearer values, Basic without a colon and huge values with a 4xx', async () => {
      const forged = forgedToken();
      presented.push(forged);
      const attempts: Record<string, string[]> = {
        bareCarriageReturn: [`Authorization: Bearer ${editor.token}\rX-Injected: 1`],
        bareLineFeedInValue: [`Authorization: Bearer ${forged}\nAuthorization: Bearer ${editor.token}`],
        encodedCrLf: [`Authorization: Bearer ${editor.token}%0d%0aX-Injected: 1`],
        forgedThenValidHeader: [`Authorization: Bearer ${forged}`, `Authorization: Bearer ${editor.token}`],
        twoBearerValuesValidFirst: [`Authorization: Bearer ${editor.token}, Bearer ${forged}`],
        twoBearerValuesForgedFirst: [`Authorization: Bearer ${forged} Bearer ${editor.token}`],
        basicWithoutColon: [`Authorization: Basic ${Buffer.from(editor.token).toString('base64')}`],
        basicWithColon: [`Authorization: Basic ${Buffer.from(`x:${editor.token}`).toString('base64')}`],
        nul: [`Authorization: Bearer ${editor.token}\u0000`],
        longValue: [`Authorization: Bearer ${'a'.repeat(12_000)}`],
        hugeValue: [`Authorization: Bearer ${'a'.repeat(200_000)}`],
      };
      let index = 0;
      for (const [what, headerLines] of Object.entries(attempts)) {
        const reply = await create(`injected-h${index++}`, headerLines);
        expect({ what, clientError: reply.status >= 400 && reply.status < 500, status: reply.status }).toEqual({ what, clientError: true, status: reply.status });
      }
      // The control: the editor's token, sent plainly, does create.
      expect((await create('header-control', [`Authorization: Bearer ${editor.token}`])).status).toBe(201);
      expect(await streamNames(teamA)).toEqual(['app', 'header-control', 'written-by-editor']);
    });

    it('refuses Basic without a colon on the registry too (Basic with one is how skopeo logs in)', async () => {
      const noColon = await v2('GET', `${teamA}/app/tags/list`, { authorization: `Basic ${Buffer.from(editor.token).toString('base64')}` });
      expect({ status: noColon.status, code: ociErrorCode(noColon) }).toEqual({ status: 401, code: 'UNAUTHORIZED' });
      const withColon = await v2('GET', `${teamA}/app/tags/list`, { authorization: `Basic ${Buffer.from(`x:${editor.token}`).toString('base64')}` });
      expect(withColon.status).toBe(200);
    });
  });

  describe('the audit trail', () => {
    it('records the editor\'s 403s and writes, and the refused tokens\' 401s', async () => {
      const user = serviceAccountUsername(teamA, 'editor');
      const events = await eventuallyAudited(
        { user, since: suiteStart },
        (found) => found.some((event) => event.code === 403 && event.objectRef?.name === 'no-such-stream') && found.some((event) => event.code === 201 && event.path.endsWith(`/namespaces/${teamA}/imagestreams`)),
        `the editor's requests in the audit trail`,
      );
      expect(events.every((event) => event.user.username === user)).toBe(true);
      const summary = events.map((event) => ({ verb: event.verb, code: event.code, namespace: event.objectRef?.namespace, name: event.objectRef?.name }));
      // GETs are audited only when refused; every write is, allowed or not.
      expect(summary).toEqual(
        expect.arrayContaining([
          { verb: 'get', code: 403, namespace: teamB, name: 'existing' },
          { verb: 'get', code: 403, namespace: teamB, name: 'no-such-stream' },
          { verb: 'create', code: 403, namespace: teamB, name: undefined },
          { verb: 'delete', code: 403, namespace: teamB, name: 'existing' },
          { verb: 'create', code: 201, namespace: teamA, name: undefined },
        ]),
      );
      expect(events.some((event) => event.verb === 'get' && event.code === 200)).toBe(false);

      // Refused credentials name nobody: their rows have an empty username, never the token's owner or anonymous.
      const all = await auditEvents({ since: suiteStart, limit: '5000' });
      const refused = all.filter((event) => event.code === 401 && event.path === `${streamsOf(teamA)}/app`);
      expect(refused.length).toBeGreaterThan(0);
      for (const event of refused) expect(event.user).toEqual({ username: '', groups: [] });
    });

    it('never holds a token', async () => {
      const all = JSON.stringify(await auditEvents({ since: suiteStart, limit: '5000' }));
      expect(all.length).toBeGreaterThan(2);
      const leaked = presented.filter((token) => token.length >= 8 && all.includes(token));
      expect(leaked).toEqual([]);
    });
  });
});
