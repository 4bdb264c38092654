import { connect } from 'node:net';
import { Approval } from '../helpers/api-client';
import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { SseClient } from '../helpers/sse-client';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

/** Issue 11, item 4: nobody can shut browsers out of their streams, and nobody can hold unbounded streams. */
describe('SSE connection limits and HTTP server timeouts', () => {
  const PER_CLIENT = 5;
  let t: TestApp;
  const open: SseClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      SSE_HEARTBEAT_MS: '200',
      SSE_MAX_STREAMS_PER_CLIENT: String(PER_CLIENT),
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '5',
      HTTP_HEADERS_TIMEOUT_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: '1000',
    });
  });
  afterEach(() => open.splice(0).forEach((c) => c.close()));
  afterAll(() => t.close());

  async function createPending(apiKey = BANK_APP.apiKey): Promise<Approval> {
    const res = await t.api(apiKey).create({ userId: newUserId(), message: 'Approve wire transfer of $500 to account 1234' });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function follow(path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = await SseClient.open(t.url + path, { headers });
    open.push(client);
    return client;
  }

  const byKey = (apiKey: string, id: string) =>
    follow(`/v1/approvals/${encodeURIComponent(id)}/events`, { authorization: `Bearer ${apiKey}` });

  function expectCapProblem(refused: SseClient, detail: RegExp): void {
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(refused.body)).toMatchObject({ status: 429, code: 'too_many_requests', detail: expect.stringMatching(detail) });
  }

  it('answers a 4th stream on one eventsUrl with 429 while the first 3 still receive events', async () => {
    const approval = await createPending();
    const streams = [await follow(approval.eventsUrl!), await follow(approval.eventsUrl!), await follow(approval.eventsUrl!)];
    for (const sse of streams) expect((await sse.nextEvent()).event).toBe('approval.pending');
    expectCapProblem(await follow(approval.eventsUrl!), /eventsUrl/);
    await t.sim.approve(approval.id);
    for (const sse of streams) expect((await sse.nextEvent()).event).toBe('approval.approved');
  });

  it('frees a slot when a stream ends, and counts streams of all instances in Redis', async () => {
    const approval = await createPending();
    const streams = [await follow(approval.eventsUrl!), await follow(approval.eventsUrl!), await follow(approval.eventsUrl!)];
    await Promise.all(streams.map((s) => s.nextEvent()));
    const key = `${t.prefix}:sse-streams:approval:${Buffer.from(approval.id).toString('base64url')}`;
    expect(await t.redis.zcard(key)).toBe(3);
    streams[0].close();
    await eventually(async () => (await t.redis.zcard(key)) === 2, 'the closed stream released its slot');
    const again = await follow(approval.eventsUrl!);
    expect(again.status).toBe(200);
    expect((await again.nextEvent()).event).toBe('approval.pending');
  });

  it('forgets the streams of a crashed instance once their lease has passed', async () => {
    const approval = await createPending();
    const key = `${t.prefix}:sse-streams:approval:${Buffer.from(approval.id).toString('base64url')}`;
    // Three streams of an instance that died: nobody refreshed their leases, which ended a second ago.
    const past = Date.now() - 1000;
    await t.redis.zadd(key, past, 'dead-1', past, 'dead-2', past, 'dead-3');
    const sse = await follow(approval.eventsUrl!);
    expect(sse.status).toBe(200);
    expect(await t.redis.zscore(key, 'dead-1')).toBeNull();
  });

  it('keeps a valid eventsUrl working through an anonymous flood with bad keys', async () => {
    const approval = await createPending();
    const flood = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${t.url}/v1/approvals/${encodeURIComponent(approval.id)}/events`, { headers: { authorization: 'Bearer not-a-key-at-all' } }),
      ),
    );
    const statuses = flood.map((r) => r.status);
    // The flood is throttled in its own bucket: it did reach its limit...
    expect(statuses).toContain(429);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect((await fetch(`${t.url}/v1/approvals/${encodeURIComponent(approval.id)}`)).status).toBe(429);
    // ...and the browser's stream, from the same address, is not in it.
    const sse = await follow(approval.eventsUrl!);
    expect(sse.status).toBe(200);
    expect((await sse.nextEvent()).event).toBe('approval.pending');
    await t.sim.approve(approval.id);
    expect((await sse.nextEvent()).event).toBe('approval.approved');
  });

  it("caps one client's open streams, key and token streams alike, without touching other clients", async () => {
    const approvals = await Promise.all(Array.from({ length: PER_CLIENT + 1 }, () => createPending(OTHER_APP.apiKey)));
    const held: SseClient[] = [];
    for (const approval of approvals.slice(0, PER_CLIENT)) held.push(await byKey(OTHER_APP.apiKey, approval.id));
    expect(held.map((s) => s.status)).toEqual(Array(PER_CLIENT).fill(200));
    const extra = approvals[PER_CLIENT];
    expectCapProblem(await byKey(OTHER_APP.apiKey, extra.id), /for this client/);
    expectCapProblem(await follow(extra.eventsUrl!), /for this client/);
    // Another client is not affected.
    const bankApproval = await createPending();
    expect((await byKey(BANK_APP.apiKey, bankApproval.id)).status).toBe(200);
    // A held stream ending gives the slot back.
    held[0].close();
    await eventually(
      async () => (await SseClient.open(`${t.url}${extra.eventsUrl}`).then((s) => (open.push(s), s.status))) === 200,
      'a slot freed for the client',
    );
  });

  it('keeps a stream open past the request timeout, which only bounds receiving the request', async () => {
    const approval = await createPending();
    const sse = await byKey(BANK_APP.apiKey, approval.id);
    expect((await sse.nextEvent()).event).toBe('approval.pending');
    // A slow sender that never finishes its headers: the server's periodic check closes it once the
    // timeouts (1 s) have passed. That same check saw the stream, older than 1 s, and left it alone.
    const slow = connect(new URL(t.url).port ? Number(new URL(t.url).port) : 80, '127.0.0.1');
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    slow.write('GET /health/live HTTP/1.1\r\nHost: x\r\n');
    let answer = '';
    slow.on('data', (chunk) => (answer += chunk.toString()));
    await new Promise<void>((resolve) => slow.once('close', () => resolve()));
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(sse.ended).toBe(false);
    await t.sim.approve(approval.id);
    expect((await sse.nextEvent()).event).toBe('approval.approved');
  }, 60_000);

  it('caps the streams of one process', async () => {
    const approval = await createPending();
    const first = await byKey(BANK_APP.apiKey, approval.id);
    expect(first.status).toBe(200);
    const limits = t.config.sse;
    const before = limits.maxStreamsPerProcess;
    // The cap as if this process were full with the streams it holds now.
    limits.maxStreamsPerProcess = 1;
    try {
      expectCapProblem(await byKey(BANK_APP.apiKey, approval.id), /on this instance/);
    } finally {
      limits.maxStreamsPerProcess = before;
    }
  });

  it('applies the configured server limits', () => {
    const server = t.app.getHttpServer() as import('node:http').Server;
    expect(server.requestTimeout).toBe(1000);
    expect(server.headersTimeout).toBe(1000);
    expect(server.maxConnections).toBe(20_000);
  });
});
