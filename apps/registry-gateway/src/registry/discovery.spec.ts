import { RegistryRequests, type ListRepositoriesQuery, type RepositoryListing } from '@imagestreams/contracts';
import type { OwnerClient } from '@imagestreams/platform-messaging';
import { Discovery } from './discovery';
import type { RegistryRecordsRepository } from './registry-records.repository';

/** stream-service's repository listing over a fixed, sorted set of names, counting the round trips. */
class FakeRepositoryOwner {
  readonly queries: ListRepositoriesQuery[] = [];

  constructor(private readonly names: string[]) {}

  async request(definition: { subject: string }, query: ListRepositoriesQuery): Promise<RepositoryListing> {
    if (definition.subject !== RegistryRequests.listRepositories.subject) throw new Error(`unexpected request ${definition.subject}`);
    this.queries.push(query);
    const after = query.after;
    const rest = after === undefined ? this.names : this.names.filter((name) => name > after);
    return { repositories: rest.slice(0, query.limit), more: rest.length > query.limit };
  }
}

// 3000 repositories over three namespaces; the caller may see only those in `b` (every third one).
const names = Array.from({ length: 3000 }, (_, i) => `${['a', 'b', 'c'][i % 3]}/s${String(i).padStart(4, '0')}`).sort();
const visibleNames = names.filter((name) => name.startsWith('b/'));
const visible = async (repository: string) => repository.startsWith('b/');

function discoveryOver(all: string[]): { discovery: Discovery; owner: FakeRepositoryOwner } {
  const owner = new FakeRepositoryOwner(all);
  return { discovery: new Discovery(owner as unknown as OwnerClient, {} as RegistryRecordsRepository), owner };
}

describe('Discovery.catalog filtered to what the caller may pull', () => {
  it('lists only visible repositories, reading on past hidden ones until the page is full', async () => {
    const { discovery } = discoveryOver(names);
    const page = await discovery.catalog({ n: 5 }, visible);
    expect(page).toEqual({ body: { repositories: visibleNames.slice(0, 5) }, next: visibleNames[4] });
  });

  it('pages through exactly the visible repositories, each once, with next always a visible name', async () => {
    const { discovery } = discoveryOver(names);
    const seen: string[] = [];
    let last: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const { body, next } = await discovery.catalog({ n: 300, ...(last !== undefined ? { last } : {}) }, visible);
      seen.push(...body.repositories);
      if (next === undefined) break;
      expect(next.startsWith('b/')).toBe(true);
      last = next;
    }
    expect(seen).toEqual(visibleNames);
  });

  it('has no next page when the visible repositories end exactly at the page size', async () => {
    const { discovery } = discoveryOver(names);
    const page = await discovery.catalog({ n: visibleNames.length }, visible);
    expect(page.body.repositories).toEqual(visibleNames);
    expect(page.next).toBeUndefined();
  });

  it('answers an empty page when the caller may see nothing, having read everything once', async () => {
    const { discovery, owner } = discoveryOver(names);
    expect(await discovery.catalog({ n: 10 }, async () => false)).toEqual({ body: { repositories: [] } });
    expect(owner.queries.map((query) => query.after)).toEqual([undefined, names[499], names[999], names[1499], names[1999], names[2499]]);
  });

  it('answers n=0 with an empty list and no Link, without asking the owner', async () => {
    const { discovery, owner } = discoveryOver(names);
    expect(await discovery.catalog({ n: 0 }, visible)).toEqual({ body: { repositories: [] } });
    expect(owner.queries).toEqual([]);
  });

  it('lists unfiltered when there is nothing to filter by (no access control)', async () => {
    const { discovery } = discoveryOver(names);
    const page = await discovery.catalog({ n: 2 });
    expect(page).toEqual({ body: { repositories: names.slice(0, 2) }, next: names[1] });
  });
});
