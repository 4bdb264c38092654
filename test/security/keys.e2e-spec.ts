import fc from 'fast-check';
import { ApprovalRecord } from '../../src/approvals/approval';
import { ApprovalIndexReconciler } from '../../src/approvals/approval-index.reconciler';
import { RedisKeys } from '../../src/redis/redis.keys';
import { ApiClient } from '../helpers/api-client';
import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

/** The contract's operationId charset; ids outside it are refused with 400 before any key is built. */
const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

describe('Redis keys cannot collide through operationIds (issue 11, item 1)', () => {
  let t: TestApp;
  let bank: ApiClient;
  let other: ApiClient;
  let keys: RedisKeys;

  beforeAll(async () => {
    // The property test creates a few hundred approvals quickly: the per-client buckets are not what it checks.
    t = await startTestApp({ RATE_LIMIT_CREATES: '1000000', RATE_LIMIT_REQUESTS: '1000000' });
    bank = t.api(BANK_APP.apiKey);
    other = t.api(OTHER_APP.apiKey);
    keys = t.keys;
  });
  afterAll(() => t.close());

  async function recordsWithoutTtl(): Promise<string[]> {
    const missing: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await t.redis.scan(cursor, 'MATCH', `${t.prefix}:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of found) {
        // BullMQ's own keys and the shared indexes live without a TTL by design.
        if (
          !/:(approval|approval-events|approval-deliveries|reservation|user-pending|user-creations|client-stored):/.test(
            key.slice(t.prefix.length),
          )
        )
          continue;
        if ((await t.redis.pttl(key)) < 0) missing.push(key);
      }
    } while (cursor !== '0');
    return missing;
  }

  it('the review\'s first attack: another client\'s "col-1:events" leaves "col-1" whole, indexed and decided', async () => {
    expect((await other.create({ userId: newUserId(), operationId: 'col-1:events' })).status).toBe(201);
    const created = await bank.create({ userId: newUserId(), operationId: 'col-1', message: 'pay 10' });
    expect(created.status).toBe(201);

    expect(await t.redis.zscore(keys.pendingApprovals(keys.shardOf('col-1')), 'col-1')).not.toBeNull();
    expect(await t.redis.pttl(keys.approval('col-1'))).toBeGreaterThan(0);
    await t.sim.approve('col-1');
    await t.events.waitFor('col-1', 'approval.approved');
    expect((await bank.get('col-1')).body).toMatchObject({ id: 'col-1', status: 'approved', message: 'pay 10' });
    expect((await other.get('col-1:events')).body).toMatchObject({ id: 'col-1:events', status: 'pending' });
    expect((await bank.create({ userId: created.body.userId, operationId: 'col-1', message: 'pay 10' })).body.status).toBe('approved');
  });

  it('the review\'s second attack: another client\'s "col-2:deliveries" leaves GET, cancel and redeliver of "col-2" working', async () => {
    expect((await bank.create({ userId: newUserId(), operationId: 'col-2' })).status).toBe(201);
    const squatter = await other.create({ userId: newUserId(), operationId: 'col-2:deliveries', timeoutSeconds: 600 });
    expect(squatter.status).toBe(201);

    expect((await bank.get('col-2')).status).toBe(200);
    expect((await bank.cancel('col-2')).body.status).toBe('cancelled');
    expect((await bank.get('col-2')).body).toMatchObject({ id: 'col-2', status: 'cancelled' });
    const redeliver = await bank.request('POST', '/v1/approvals/col-2/deliveries/redeliver');
    expect(redeliver.status).toBeLessThan(500);
    // The squatter's record kept its own lifetime.
    expect((await other.get('col-2:deliveries')).body).toMatchObject({ status: 'pending', expiresAt: squatter.body.expiresAt });
    expect(await t.redis.pttl(keys.approval('col-2:deliveries'))).toBeGreaterThan(600_000);
  });

  it('answers a path id that looks like another key family with 404, never 500', async () => {
    expect((await bank.create({ userId: newUserId(), operationId: 'col-3' })).status).toBe(201);
    for (const id of ['col-3:events', 'col-3:deliveries', 'col-3:', 'pending']) {
      expect((await bank.get(id)).status).toBe(404);
      expect((await bank.cancel(id)).status).toBe(404);
      expect((await bank.request('GET', `/v1/approvals/${encodeURIComponent(id)}/events`)).status).toBe(404);
    }
  });

  it('two clients creating random ids with key-like tails, in any order, never affect each other', async () => {
    const heads = ['', 'approval:', 'approval-events:', 'events:', 'deliveries:'];
    const tails = ['', ':events', ':deliveries', ':pending', ':', '::x', '{x}', '}', '{', ':approval', ':approval-events'];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.stringOf(fc.constantFrom('a', 'b', '1', ':', '-', '.', '_'), { minLength: 1, maxLength: 6 }),
        fc.array(fc.record({ byBank: fc.boolean(), head: fc.constantFrom(...heads), tail: fc.constantFrom(...tails) }), {
          minLength: 2,
          maxLength: 6,
        }),
        async (stem, steps) => {
          const base = `p${run++}-${stem}`;
          const owners = new Map<string, { api: ApiClient; userId: string; message: string }>();
          for (const step of steps) {
            const id = `${step.head}${base}${step.tail}`;
            const api = step.byBank ? bank : other;
            const body = { userId: newUserId(), operationId: id, message: `for ${id}` };
            const res = await api.create(body);
            if (!VALID_ID.test(id)) {
              expect(res.status).toBe(400);
              continue;
            }
            if (owners.has(id)) {
              // The same id again, by either client: the documented 409 (other fields or another client).
              expect(res.status).toBe(409);
              expect(res.body).toMatchObject({ code: 'approval_conflict' });
              continue;
            }
            expect(res.status).toBe(201);
            owners.set(id, { api, userId: body.userId, message: body.message });
          }
          for (const [id, owner] of owners) {
            const got = await owner.api.get(id);
            expect(got.status).toBe(200);
            expect(got.body).toMatchObject({ id, userId: owner.userId, message: owner.message, status: 'pending' });
            expect((await (owner.api === bank ? other : bank).get(id)).status).toBe(404);
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(await recordsWithoutTtl()).toEqual([]);
  });

  it('writes nothing when a key the creation would write already exists', async () => {
    const id = 'taken-events';
    await t.redis.set(keys.approvalEvents(id), 'not a list', 'EX', 600);
    const res = await bank.create({ userId: newUserId(), operationId: id });
    expect(res.status).toBe(409);
    expect(await t.redis.exists(keys.approval(id))).toBe(0);
    expect(await t.redis.zscore(keys.pendingApprovals(keys.shardOf(id)), id)).toBeNull();
    expect(await t.redis.zscore(keys.pollsDue(keys.shardOf(id)), id)).toBeNull();
  });

  describe('the approval index reconciler', () => {
    /** Redis may hold other prefixes' keys too: a run scans a bounded slice, so runs go on until the pass reaches the record. */
    async function reconcileUntil(done: () => Promise<boolean>): Promise<void> {
      const sut = t.app.get(ApprovalIndexReconciler);
      for (let i = 0; i < 1000 && !(await done()); i++) await sut.reconcile();
      expect(await done()).toBe(true);
    }

    async function unindex(id: string, rewrite?: (r: ApprovalRecord) => ApprovalRecord): Promise<void> {
      const multi = t.redis
        .multi()
        .zrem(keys.pendingApprovals(keys.shardOf(id)), id)
        .zrem(keys.pollsDue(keys.shardOf(id)), id)
        .persist(keys.approval(id))
        .persist(keys.approvalEvents(id));
      if (rewrite) {
        const doc = JSON.parse((await t.redis.hget(keys.approval(id), 'doc')) as string) as ApprovalRecord;
        multi.hset(keys.approval(id), 'doc', JSON.stringify(rewrite(doc)));
      }
      await multi.exec();
    }

    it('indexes and follows again a pending record that is in no index and has no TTL', async () => {
      const created = await bank.create({ userId: newUserId(), operationId: 'lost-1' });
      expect(created.status).toBe(201);
      await unindex('lost-1');

      await reconcileUntil(async () => (await t.redis.zscore(keys.pendingApprovals(keys.shardOf('lost-1')), 'lost-1')) !== null);
      expect(Number(await t.redis.zscore(keys.pendingApprovals(keys.shardOf('lost-1')), 'lost-1'))).toBe(
        Date.parse(created.body.expiresAt),
      );
      expect(await t.redis.pttl(keys.approval('lost-1'))).toBeGreaterThan(0);
      expect(await t.redis.pttl(keys.approvalEvents('lost-1'))).toBeGreaterThan(0);

      await t.sim.approve('lost-1');
      await t.events.waitFor('lost-1', 'approval.approved');
    });

    it('expires, through the normal transition, a lost pending record whose deadline has passed', async () => {
      expect((await bank.create({ userId: newUserId(), operationId: 'lost-2' })).status).toBe(201);
      await unindex('lost-2', (r) => ({ ...r, expiresAt: new Date(Date.now() - 1000).toISOString() }));

      await reconcileUntil(async () => (await t.redis.hget(keys.approval('lost-2'), 'status')) !== 'pending');
      await t.events.waitFor('lost-2', 'approval.expired');
      expect((await bank.get('lost-2')).body.status).toBe('expired');
      expect(await t.redis.pttl(keys.approval('lost-2'))).toBeGreaterThan(0);
      expect(await t.redis.zscore(keys.pendingApprovals(keys.shardOf('lost-2')), 'lost-2')).toBeNull();
    });

    it('moves the event log and delivery hash of the former key scheme beside their record', async () => {
      expect((await bank.create({ userId: newUserId(), operationId: 'legacy-1' })).status).toBe(201);
      const legacyEvents = `${keys.approval('legacy-1')}:events`;
      const legacyDeliveries = `${keys.approval('legacy-1')}:deliveries`;
      await t.redis.rename(keys.approvalEvents('legacy-1'), legacyEvents);
      await t.redis.multi().hset(legacyDeliveries, 'evt_1', '{"eventId":"evt_1"}').expire(legacyDeliveries, 600).exec();

      await reconcileUntil(async () => (await t.redis.exists(legacyEvents, legacyDeliveries)) === 0);
      expect(await t.redis.llen(keys.approvalEvents('legacy-1'))).toBe(1);
      expect(await t.redis.pttl(keys.approvalEvents('legacy-1'))).toBeGreaterThan(0);
      expect(await t.redis.hkeys(keys.approvalDeliveries('legacy-1'))).toEqual(['evt_1']);
      await t.sim.approve('legacy-1');
      await t.events.waitFor('legacy-1', 'approval.approved');
      expect((await t.redis.lrange(keys.approvalEvents('legacy-1'), 0, -1)).map((e) => (JSON.parse(e) as { type: string }).type)).toEqual([
        'approval.pending',
        'approval.approved',
      ]);
    });
  });
});
