import { EventStreamSubscriber } from '../../src/events/event-stream.subscriber';
import { SseHub } from '../../src/events/sse.hub';
import { Approval, ApiClient } from '../helpers/api-client';
import { BANK_APP } from '../helpers/clients';
import { SseClient } from '../helpers/sse-client';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { eventually } from '../helpers/eventually';

/** Redis client ids whose CLIENT SETNAME is `name`. */
async function clientIds(t: TestApp, name: string): Promise<string[]> {
  const list = (await t.redis.client('LIST')) as string;
  return list
    .split('\n')
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1] as string);
}

describe('SSE across instances and through Redis trouble (two apps on one Redis)', () => {
  let a: TestApp;
  let b: TestApp;
  let bankA: ApiClient;
  let bankB: ApiClient;
  const open: SseClient[] = [];

  beforeAll(async () => {
    a = await startTestApp({ SSE_HEARTBEAT_MS: '500', SSE_MAX_STREAMS_PER_APPROVAL: '50' });
    // Same prefix, and the same simulator: either instance's poll workers may poll any approval.
    b = await startTestApp(
      { SSE_HEARTBEAT_MS: '500', RECOGNIZE_BASE_URL: a.simulatorBaseUrl, RECOGNIZE_API_KEY: 'simulator-api-key' },
      a.prefix,
    );
    bankA = a.api(BANK_APP.apiKey);
    bankB = b.api(BANK_APP.apiKey);
  });
  afterEach(() => open.splice(0).forEach((c) => c.close()));
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  async function createPending(api: ApiClient): Promise<Approval> {
    const res = await api.create({ userId: newUserId(), message: 'Approve wire transfer of $500 to account 1234' });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function follow(t: TestApp, approval: Approval): Promise<SseClient> {
    const client = await SseClient.open(t.url + approval.eventsUrl);
    open.push(client);
    expect(client.status).toBe(200);
    return client;
  }

  it('streams on instance A an approval created and decided through instance B', async () => {
    const approval = await createPending(bankB);
    const sse = await follow(a, approval);
    expect(await sse.nextEvent()).toMatchObject({ id: '1', event: 'approval.pending' });
    expect((await bankB.cancel(approval.id)).status).toBe(200);
    expect(await sse.nextEvent()).toMatchObject({ id: '2', event: 'approval.cancelled' });
    await sse.end();
  });

  it('fans one decision out to followers on both instances', async () => {
    const approval = await createPending(bankA);
    const followers = [await follow(a, approval), await follow(b, approval), await follow(b, approval)];
    await Promise.all(followers.map((f) => f.nextEvent()));
    await a.sim.approve(approval.id, 'pin');
    for (const f of followers) {
      expect(await f.nextEvent()).toMatchObject({ id: '2', event: 'approval.approved' });
      await f.end();
    }
  });

  it('holds one reader connection per instance, however many streams are open', async () => {
    const approval = await createPending(bankA);
    const followers = await Promise.all(Array.from({ length: 20 }, () => follow(a, approval)));
    await Promise.all(followers.map((f) => f.nextEvent()));
    expect(await clientIds(a, a.app.get(EventStreamSubscriber).connectionName)).toHaveLength(1);
    expect(await clientIds(b, b.app.get(EventStreamSubscriber).connectionName)).toHaveLength(1);
  });

  it('delivers an event produced while the reader connection was killed', async () => {
    const subscriber = a.app.get(EventStreamSubscriber);
    const resumesBefore = subscriber.resumes;
    const approval = await createPending(bankB);
    const sse = await follow(a, approval);
    await sse.nextEvent();
    const [readerId] = await clientIds(a, subscriber.connectionName);
    await a.redis.client('KILL', 'ID', readerId);
    expect((await bankB.cancel(approval.id)).status).toBe(200);
    expect(await sse.nextEvent()).toMatchObject({ id: '2', event: 'approval.cancelled' });
    await sse.end();
    expect(subscriber.resumes).toBeGreaterThan(resumesBefore);
  });

  it('catches up from the approval log when the stream was trimmed past the reader while it was away', async () => {
    const subscriber = a.app.get(EventStreamSubscriber);
    const approval = await createPending(bankB);
    const sse = await follow(a, approval);
    await sse.nextEvent();
    const [readerId] = await clientIds(a, subscriber.connectionName);
    await a.redis.client('KILL', 'ID', readerId);
    expect((await bankB.cancel(approval.id)).status).toBe(200);
    // Everything the reader has not read yet is gone from the stream; only the approval's own log has it.
    await a.redis.xtrim(`${a.prefix}:events`, 'MAXLEN', 0);
    expect(await sse.nextEvent()).toMatchObject({ id: '2', event: 'approval.cancelled' });
    await sse.end();
    expect(sse.events.map((e) => e.id)).toEqual(['1', '2']);
  });

  it('ends every stream with a retry hint on shutdown, and closes its reader connection', async () => {
    const c = await startTestApp({ RECOGNIZE_BASE_URL: a.simulatorBaseUrl, RECOGNIZE_API_KEY: 'simulator-api-key' }, a.prefix);
    const hub = c.app.get(SseHub);
    const readerName = c.app.get(EventStreamSubscriber).connectionName;
    const approval = await createPending(bankA);
    const followers = [await follow(c, approval), await follow(c, approval)];
    await Promise.all(followers.map((f) => f.nextEvent()));
    expect(hub.connectionCount()).toBe(2);
    expect(await clientIds(a, readerName)).toHaveLength(1);
    await c.app.close();
    for (const f of followers) {
      await f.end();
      const retries = f.items.filter((i) => i.kind === 'retry');
      expect(retries.length).toBe(2); // one on connect, one as the shutdown hint
    }
    expect(hub.connectionCount()).toBe(0);
    await eventually(async () => (await clientIds(a, readerName)).length === 0, 'the reader connection is closed');
    c.events.close();
    await c.redis.quit();
  });
});
