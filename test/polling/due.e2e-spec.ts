import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { ApprovalsStore } from '../../src/approvals/approvals.store';
import { AppConfig } from '../../src/config/app.config';
import { PollsStore } from '../../src/polling/polls.store';
import { RedisKeys } from '../../src/redis/redis.keys';
import { RedisReplication } from '../../src/redis/redis.replication';
import { makeApproval } from '../unit/fake-approvals-store';
import { REDIS_URL, deleteKeys } from '../helpers/test-app';

const INTERVAL_MS = 1000;
const config = { approvals: { retentionS: 60 }, polling: { intervalMs: INTERVAL_MS }, redis: { replicaWaitMs: 0 } } as AppConfig;
const pendingEvent = { id: 'evt', type: 'approval.pending', createdAt: '', data: {} } as never;

/** The due set's scripts against real Redis: claims, leases, write-backs and transitions together. */
describe('the due set of polls', () => {
  const prefix = `t-due-${randomUUID().slice(0, 8)}`;
  const keys = new RedisKeys(prefix);
  let redis: Redis;
  let approvals: ApprovalsStore;
  let sut: PollsStore;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    approvals = new ApprovalsStore(redis, keys, config, new RedisReplication(config, keys));
    sut = new PollsStore(redis, keys);
  });

  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  const create = async () => {
    const record = makeApproval({ id: `op-${randomUUID()}` });
    expect(await approvals.create(record, pendingEvent)).toBe(true);
    return record;
  };
  const dueAt = async (id: string) => redis.zscore(keys.pollsDue(keys.shardOf(id)), id).then((s) => (s === null ? null : Number(s)));

  it('schedules the first poll of a new approval one interval after its creation', async () => {
    const before = Date.now();
    const { id } = await create();
    expect(await dueAt(id)).toBeGreaterThanOrEqual(before + INTERVAL_MS);
    expect(await dueAt(id)).toBeLessThanOrEqual(Date.now() + INTERVAL_MS);
  });

  it('hands each due approval to exactly one of many concurrent claims, and leases it', async () => {
    const ids = await Promise.all(Array.from({ length: 50 }, async () => (await create()).id));
    const nowMs = Date.now() + 2 * INTERVAL_MS;
    const claims = await Promise.all(Array.from({ length: 10 }, () => sut.claim(0, nowMs, nowMs + 30_000, 7)));
    const claimed = claims
      .flat()
      .map((c) => c.approvalId)
      .filter((id) => ids.includes(id));
    expect(claimed.sort()).toEqual([...ids].sort());
    for (const id of ids) expect(await dueAt(id)).toBe(nowMs + 30_000);
    expect(await sut.claim(0, nowMs, nowMs + 30_000, 100)).toEqual([]);
  });

  it('gives a claimed approval back when its lease ends, as after a crash of its claimer', async () => {
    const { id } = await create();
    const nowMs = Date.now() + 2 * INTERVAL_MS;
    expect((await sut.claim(0, nowMs, nowMs + 5000, 1000)).map((c) => c.approvalId)).toContain(id);
    expect((await sut.claim(0, nowMs + 4999, nowMs + 10_000, 1000)).map((c) => c.approvalId)).not.toContain(id);
    expect((await sut.claim(0, nowMs + 5000, nowMs + 10_000, 1000)).map((c) => c.approvalId)).toContain(id);
  });

  it('writes back next times and failure counts, and hands the count and the due time to the next claim', async () => {
    const { id } = await create();
    const nowMs = Date.now() + 2 * INTERVAL_MS;
    await sut.claim(0, nowMs, nowMs + 30_000, 1000);
    expect(await sut.reschedule([{ approvalId: id, atMs: nowMs + 100, failures: 2, previousFailures: 0 }])).toBe(1);
    expect(await dueAt(id)).toBe(nowMs + 100);
    const [claim] = (await sut.claim(0, nowMs + 100, nowMs + 30_000, 1000)).filter((c) => c.approvalId === id);
    expect(claim).toEqual({ approvalId: id, failures: 2, doc: await redis.hget(keys.approval(id), 'doc'), dueMs: nowMs + 100 });
    await sut.reschedule([{ approvalId: id, atMs: nowMs + 200, failures: 0, previousFailures: 2 }]);
    expect(await redis.hexists(keys.pollFailures(keys.shardOf(id)), id)).toBe(0);
  });

  it('stops polling with the transition out of pending, and a late write-back does not resurrect it', async () => {
    const record = await create();
    const nowMs = Date.now() + 2 * INTERVAL_MS;
    await sut.claim(0, nowMs, nowMs + 30_000, 1000);
    await redis.hset(keys.pollFailures(keys.shardOf(record.id)), record.id, 3);
    expect((await approvals.transition({ ...record, status: 'cancelled' }, pendingEvent)).applied).toBe(true);
    expect(await dueAt(record.id)).toBeNull();
    expect(await redis.hexists(keys.pollFailures(keys.shardOf(record.id)), record.id)).toBe(0);
    expect(await sut.reschedule([{ approvalId: record.id, atMs: nowMs + 100, failures: 4, previousFailures: 3 }])).toBe(0);
    expect(await dueAt(record.id)).toBeNull();
    expect(await redis.hexists(keys.pollFailures(keys.shardOf(record.id)), record.id)).toBe(0);
  });

  it('follows pending approvals that lost their next poll, and never a terminal one', async () => {
    const pending = await create();
    const decided = await create();
    await approvals.transition({ ...decided, status: 'approved' }, pendingEvent);
    await redis.zrem(keys.pollsDue(keys.shardOf(pending.id)), pending.id);
    expect(await sut.follow(0, [pending.id, decided.id], 42)).toBe(1);
    expect(await dueAt(pending.id)).toBe(42);
    expect(await dueAt(decided.id)).toBeNull();
    expect(await sut.follow(0, [pending.id], 99)).toBe(0);
    expect(await dueAt(pending.id)).toBe(42);
  });

  it('forgets an approval whose poll ended it', async () => {
    const { id } = await create();
    await redis.hset(keys.pollFailures(keys.shardOf(id)), id, 1);
    await sut.reschedule([{ approvalId: id, done: true }]);
    expect(await dueAt(id)).toBeNull();
    expect(await redis.hexists(keys.pollFailures(keys.shardOf(id)), id)).toBe(0);
  });
});
