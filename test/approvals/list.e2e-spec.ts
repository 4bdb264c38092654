import { Approval, ApiClient } from '../helpers/api-client';
import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { until } from '../helpers/eventually';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { ApprovalWaiters } from '../../src/events/approval-waiters';

interface Page {
  data: Approval[];
  nextCursor: string | null;
}

describe('GET /v1/approvals and GET /v1/approvals/{id}?wait=N (contract v2)', () => {
  let t: TestApp;
  let bank: ApiClient;

  beforeAll(async () => {
    // Many approvals of one user: the per-user limits are not what these tests check.
    t = await startTestApp({ USER_MAX_PENDING: '100', USER_MAX_CREATIONS_PER_MINUTE: '100' });
    bank = t.api(BANK_APP.apiKey);
  });

  afterAll(async () => {
    await t.close();
  });

  const create = async (userId: string, extra: Record<string, unknown> = {}): Promise<Approval> => {
    const response = await bank.create({ userId, message: 'Approve', ...extra });
    expect(response.status).toBe(201);
    return response.body;
  };
  const list = (query: string, api = bank) => api.request<Page>('GET', `/v1/approvals?${query}`);

  /** Every item, following nextCursor until null; `meanwhile` runs after each page. */
  async function all(query: string, meanwhile: () => Promise<unknown> = async () => undefined): Promise<Approval[]> {
    const items: Approval[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      items.push(...page.body.data);
      cursor = page.body.nextCursor;
      await meanwhile();
    } while (cursor);
    return items;
  }

  it("lists the client's approvals newest first, with the representation GET returns (without deliveries)", async () => {
    const userId = newUserId();
    const first = await create(userId);
    const second = await create(userId);
    const page = await list(`userId=${userId}`);
    expect(page.status).toBe(200);
    expect(page.body.data.map((a) => a.id)).toEqual([second.id, first.id]);
    expect(page.body.nextCursor).toBeNull();
    const { deliveries, ...got } = (await bank.get(first.id)).body;
    expect(deliveries).toEqual([]);
    expect(page.body.data[1]).toEqual(got);
    expect(page.body.data[1]).toEqual(first);
  });

  it('returns every match exactly once across pages, even while approvals are created meanwhile', async () => {
    const userId = newUserId();
    const before: string[] = [];
    for (let i = 0; i < 7; i++) before.push((await create(userId)).id);
    const seen = await all(`userId=${userId}&limit=2`, () => create(userId));
    const ids = seen.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => before.includes(id))).toEqual([...before].reverse());
  });

  it('filters by userId case-insensitively and by status', async () => {
    const userId = newUserId();
    const kept = await create(userId);
    const cancelled = await create(userId);
    expect((await bank.cancel(cancelled.id)).status).toBe(200);
    expect((await all(`userId=${userId.toLowerCase()}`)).map((a) => a.id)).toEqual([cancelled.id, kept.id]);
    expect((await all(`userId=${userId}&status=cancelled&limit=1`)).map((a) => a.id)).toEqual([cancelled.id]);
    expect((await all(`userId=${userId}&status=pending`)).map((a) => a.id)).toEqual([kept.id]);
    const anyUser = await all('status=cancelled&limit=100');
    expect(anyUser.every((a) => a.status === 'cancelled')).toBe(true);
    expect(anyUser.map((a) => a.id)).toContain(cancelled.id);
  });

  it("never shows another client's approvals", async () => {
    const userId = newUserId();
    await create(userId);
    const other = await list(`userId=${userId}`, t.api(OTHER_APP.apiKey));
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ data: [], nextCursor: null });
  });

  it('skips and removes entries whose record has expired', async () => {
    const userId = newUserId();
    const gone = await create(userId);
    const kept = await create(userId);
    await t.redis.del(t.keys.approval(gone.id));
    expect((await all(`userId=${userId}&limit=1`)).map((a) => a.id)).toEqual([kept.id]);
    // The user's index is one slice per shard: each approval is in its own shard's.
    const index = (approval: Approval) => t.keys.clientUserApprovals(BANK_APP.id, userId, t.keys.shardOf(approval.id));
    expect(await t.redis.zscore(index(gone), gone.id)).toBeNull();
    // The index expires with retention, as the records do.
    expect(await t.redis.pttl(index(kept))).toBeGreaterThan(0);
    expect(await t.redis.pttl(t.keys.clientApprovals(BANK_APP.id, t.keys.shardOf(kept.id)))).toBeGreaterThan(0);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['status=done', 'status'],
    ['userId=xyz', 'userId'],
    ['cursor=!!', 'cursor'],
    ['cursor=Zm9v', 'cursor'],
    ['colour=red', 'colour'],
  ])('answers 400 naming the parameter for %s', async (query, field) => {
    const response = await bank.request<{ errors: { field: string }[] }>('GET', `/v1/approvals?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e) => e.field)).toContain(field);
  });

  it('holds a GET with wait until the approval is decided, then answers with the new state', async () => {
    const approval = await create(newUserId());
    const waited = bank.request<Approval>('GET', `/v1/approvals/${approval.id}?wait=30`);
    const waiters = t.app.get(ApprovalWaiters);
    await until('the request waits', () => (waiters.count() === 1 ? true : undefined));
    await t.sim.approve(approval.id, 'biom');
    const answer = await waited;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: approval.id, status: 'approved', authType: 'biom' });
  });

  it('drops the waiter of a caller that disconnects', async () => {
    const approval = await create(newUserId());
    const waiters = t.app.get(ApprovalWaiters);
    const abort = new AbortController();
    const waited = fetch(`${t.url}/v1/approvals/${approval.id}?wait=60`, {
      headers: { authorization: `Bearer ${BANK_APP.apiKey}` },
      signal: abort.signal,
    });
    await until('the request waits', () => (waiters.count() === 1 ? true : undefined));
    abort.abort();
    await expect(waited).rejects.toThrow();
    await until('the waiter is gone', () => (waiters.count() === 0 ? true : undefined));
  });

  it('answers a GET with wait still pending once the wait has passed', async () => {
    const approval = await create(newUserId());
    const answer = await bank.request<Approval>('GET', `/v1/approvals/${approval.id}?wait=1`);
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('pending');
  });

  it('answers a decided approval at once, whatever the wait', async () => {
    const approval = await create(newUserId());
    await bank.cancel(approval.id);
    const answer = await bank.request<Approval>('GET', `/v1/approvals/${approval.id}?wait=60`);
    expect(answer.body.status).toBe('cancelled');
  });

  it.each(['61', '-1', '1.5', 'soon'])('answers 400 naming wait for wait=%s', async (wait) => {
    const approval = await create(newUserId());
    const response = await bank.request<{ errors: { field: string }[] }>('GET', `/v1/approvals/${approval.id}?wait=${wait}`);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e) => e.field)).toEqual(['wait']);
  });

  it('gives events the data GET returns: the same representation, authentication and all', async () => {
    const approval = await create(newUserId());
    await t.sim.approve(approval.id, 'pin');
    const decided = await bank.request<Approval>('GET', `/v1/approvals/${approval.id}?wait=30`);
    expect(decided.body.status).toBe('approved');
    const log = (await t.redis.lrange(t.keys.approvalEvents(approval.id), 0, -1)).map((e) => JSON.parse(e) as { data: Approval });
    // eventsUrl carries a token issued per time window, so two reads may differ in it alone.
    const withoutUrl = ({ eventsUrl: _url, ...rest }: Approval) => rest;
    expect(withoutUrl(log[0].data)).toEqual(withoutUrl(approval));
    const { deliveries: _deliveries, ...representation } = decided.body;
    expect(withoutUrl(log[1].data)).toEqual(withoutUrl(representation));
    for (const { data } of log) expect(data.eventsUrl).toMatch(`/v1/approvals/${approval.id}/events?token=`);
  });
});
