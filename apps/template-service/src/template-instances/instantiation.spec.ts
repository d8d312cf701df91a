import { Statuses, StatusError, type TemplateObjectOwner } from '@imagestreams/contracts';
import type { PlannedObject } from './instance-objects';
import { instantiateFailureMessage, instantiateObjects, type ObjectFailure, type RemoteObjects } from './instantiation';

function planned(position: number, owner: TemplateObjectOwner, kind: string, name: string): PlannedObject {
  return { position, owner, kind, name, apiVersion: 'v1', apiGroup: '', namespace: 'team', object: { kind, metadata: { name } } };
}

/** A remote side that records calls (with the time they started and ended) and fails on demand. */
class FakeRemote implements RemoteObjects {
  readonly log: string[] = [];
  readonly existing = new Set<string>();
  constructor(
    private readonly failCreate: Record<string, StatusError> = {},
    private readonly failDelete: Record<string, StatusError> = {},
    private readonly delayMs = 5,
    /** Objects the owner creates and then fails to confirm (the answer times out). */
    private readonly lostAnswers = new Set<string>(),
    private readonly failCheck: Record<string, StatusError> = {},
  ) {}

  async create(object: PlannedObject): Promise<string> {
    this.log.push(`start ${object.name}`);
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.log.push(`end ${object.name}`);
    const failure = this.failCreate[object.name];
    if (failure) throw failure;
    this.existing.add(object.name);
    if (this.lostAnswers.has(object.name)) throw new StatusError(Statuses.timeout('no answer'));
    return `uid-${object.name}`;
  }

  async deleteIfCreated(object: PlannedObject): Promise<void> {
    this.log.push(`check ${object.name}`);
    const failure = this.failCheck[object.name];
    if (failure) throw failure;
    this.existing.delete(object.name);
  }

  async delete(object: PlannedObject): Promise<void> {
    this.log.push(`delete ${object.name}`);
    const failure = this.failDelete[object.name];
    if (failure) throw failure;
    this.existing.delete(object.name);
  }
}

const rails = [
  planned(0, 'template-service', 'Secret', 'secret'),
  planned(1, 'template-service', 'Service', 'svc'),
  planned(2, 'stream-service', 'ImageStream', 'is-a'),
  planned(3, 'trigger-dispatcher', 'BuildConfig', 'bc'),
  planned(4, 'stream-service', 'ImageStream', 'is-b'),
  planned(5, 'trigger-dispatcher', 'Deployment', 'web'),
  planned(6, 'trigger-dispatcher', 'Deployment', 'db'),
];
const storedOk = async (): Promise<ObjectFailure[]> => [];
const exists = (name: string) => new StatusError(Statuses.alreadyExists({ resource: 'imagestreams', group: 'image.openshift.io', kind: 'ImageStream' }, name));

describe('instantiateObjects', () => {
  it('creates the streams one after another in order, then every workload at once, and keeps them all', async () => {
    const remote = new FakeRemote();
    const outcome = await instantiateObjects(rails, remote, storedOk);

    expect(outcome.failures).toEqual([]);
    expect([...outcome.remaining]).toEqual([
      [2, 'uid-is-a'],
      [4, 'uid-is-b'],
      [3, 'uid-bc'],
      [5, 'uid-web'],
      [6, 'uid-db'],
    ]);
    expect(remote.log.slice(0, 4)).toEqual(['start is-a', 'end is-a', 'start is-b', 'end is-b']);
    expect(remote.log.slice(4, 7).sort()).toEqual(['start bc', 'start db', 'start web']);
    expect(remote.log).not.toContain('delete');
  });

  it('stores the local objects while the remote ones are created', async () => {
    const remote = new FakeRemote({}, {}, 5);
    let createdMeanwhile = -1;
    await instantiateObjects(rails, remote, async () => {
      await new Promise((resolve) => setTimeout(resolve, 8));
      createdMeanwhile = remote.log.filter((entry) => entry.startsWith('end')).length;
      return [];
    });
    expect(createdMeanwhile).toBeGreaterThan(0);
    expect(remote.log).not.toContain('delete is-a');
  });

  it('stops at a failing stream, starts no workload and deletes what it created', async () => {
    const remote = new FakeRemote({ 'is-b': exists('is-b') });
    const outcome = await instantiateObjects(rails, remote, storedOk);

    expect(outcome.failures).toEqual([{ position: 4, kind: 'ImageStream', name: 'is-b', message: 'imagestreams.image.openshift.io "is-b" already exists' }]);
    expect(remote.log.filter((entry) => entry.startsWith('start'))).toEqual(['start is-a', 'start is-b']);
    expect(remote.log).toContain('delete is-a');
    // Never deleted: it was not created by this instance.
    expect(remote.log).not.toContain('delete is-b');
    expect(outcome.remaining.size).toBe(0);
    expect(remote.existing.size).toBe(0);
  });

  it('rolls back every stream and workload when one workload fails, and reports each failure', async () => {
    const invalid = new StatusError(Statuses.invalid({ resource: 'deployments', group: 'apps', kind: 'Deployment' }, 'web', [{ reason: 'FieldValueInvalid', field: 'x', message: 'bad' }]));
    const remote = new FakeRemote({ web: invalid });
    const outcome = await instantiateObjects(rails, remote, storedOk);

    expect(outcome.failures.map((failure) => failure.name)).toEqual(['web']);
    expect(remote.log.filter((entry) => entry.startsWith('delete')).sort()).toEqual(['delete bc', 'delete db', 'delete is-a', 'delete is-b']);
    expect(remote.existing.size).toBe(0);
    expect(instantiateFailureMessage(outcome)).toBe('Deployment "web": Deployment.apps "web" is invalid: x: bad');
  });

  it('rolls back the remote objects when storing the local ones fails, and starts no workload after it is known', async () => {
    const remote = new FakeRemote({}, {}, 10);
    const outcome = await instantiateObjects(rails, remote, async () => [{ position: 0, kind: 'Secret', name: 'secret', message: 'a Secret named "secret" already exists in namespace team' }]);

    expect(outcome.failures).toEqual([{ position: 0, kind: 'Secret', name: 'secret', message: 'a Secret named "secret" already exists in namespace team' }]);
    expect(remote.log).toEqual(['start is-a', 'end is-a', 'delete is-a']);
    expect(remote.existing.size).toBe(0);
  });

  it('counts an exception while storing as a failure', async () => {
    const outcome = await instantiateObjects([planned(0, 'template-service', 'Secret', 's')], new FakeRemote(), async () => {
      throw new Error('connection lost');
    });
    expect(instantiateFailureMessage(outcome)).toBe('storing the objects failed: connection lost');
  });

  it('keeps what the rollback could not delete, and says so', async () => {
    const remote = new FakeRemote({ web: exists('web') }, { 'is-a': new StatusError(Statuses.timeout('slow')) });
    const outcome = await instantiateObjects(rails, remote, storedOk);

    expect([...outcome.remaining]).toEqual([[2, 'uid-is-a']]);
    expect(outcome.rollbackFailures).toEqual([{ position: 2, kind: 'ImageStream', name: 'is-a', message: 'slow' }]);
    expect(instantiateFailureMessage(outcome).split('\n')).toEqual([
      'Deployment "web": imagestreams.image.openshift.io "web" already exists',
      'ImageStream "is-a" may have been created and could not be deleted again (deleting the TemplateInstance retries): slow',
    ]);
  });

  it('also removes an object whose create had an unknown outcome, and only checks it (never deletes it outright)', async () => {
    const remote = new FakeRemote({}, {}, 5, new Set(['web']));
    const outcome = await instantiateObjects(rails, remote, storedOk);

    expect(outcome.failures).toEqual([{ position: 5, kind: 'Deployment', name: 'web', message: 'no answer' }]);
    expect(remote.log).toContain('check web');
    expect(remote.log).not.toContain('delete web');
    expect(remote.existing.size).toBe(0);
    expect(outcome.unresolved).toEqual([]);
  });

  it('reports an object of unknown outcome it could not check as unresolved', async () => {
    const down = new StatusError(Statuses.serviceUnavailable('down'));
    const remote = new FakeRemote({ 'is-b': down }, {}, 5, new Set(), { 'is-b': down });
    const outcome = await instantiateObjects(rails, remote, storedOk);

    expect(outcome.unresolved).toEqual([4]);
    expect(outcome.rollbackFailures.map((failure) => failure.name)).toEqual(['is-b']);
    expect(outcome.remaining.size).toBe(0);
  });

  it('does not check an object the owner refused (its answer is certain)', async () => {
    const remote = new FakeRemote({ 'is-a': exists('is-a') });
    await instantiateObjects(rails, remote, storedOk);
    expect(remote.log.filter((entry) => entry.startsWith('check'))).toEqual([]);
  });

  it('creates nothing remote for a template of stored objects only', async () => {
    const remote = new FakeRemote();
    const outcome = await instantiateObjects([planned(0, 'template-service', 'ConfigMap', 'cm')], remote, storedOk);
    expect(outcome).toEqual({ failures: [], remaining: new Map(), rollbackFailures: [], unresolved: [] });
    expect(remote.log).toEqual([]);
  });
});
