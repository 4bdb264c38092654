import { EventSource } from 'eventsource';
import { EventsTokenService } from '../../src/events/events-token.service';
import { SseHub } from '../../src/events/sse.hub';
import { Approval, ApiClient } from '../helpers/api-client';
import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { SseClient } from '../helpers/sse-client';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { eventually } from '../helpers/eventually';

describe('GET /v1/approvals/{id}/events (Server-Sent Events, real Redis and HTTP)', () => {
  let t: TestApp;
  let bank: ApiClient;
  let hub: SseHub;
  const open: SseClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ SSE_HEARTBEAT_MS: '200', SSE_RETRY_MS: '1500', CORS_ORIGINS: 'https://bank.example' });
    bank = t.api(BANK_APP.apiKey);
    hub = t.app.get(SseHub);
  });
  afterEach(() => open.splice(0).forEach((c) => c.close()));
  afterAll(() => t.close());

  async function createPending(): Promise<Approval> {
    const res = await bank.create({ userId: newUserId(), message: 'Approve wire transfer of $500 to account 1234' });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function follow(path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = await SseClient.open(t.url + path, { headers });
    open.push(client);
    return client;
  }

  const byKey = (id: string, query = '') => follow(`/v1/approvals/${id}/events${query}`, { authorization: `Bearer ${BANK_APP.apiKey}` });

  it('answers with the stream headers and a retry hint, then the pending event as id 1', async () => {
    const approval = await createPending();
    const sse = await follow(approval.eventsUrl as string);
    expect(sse.status).toBe(200);
    expect(sse.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(sse.headers['cache-control']).toBe('no-store, no-transform');
    expect(sse.headers['x-accel-buffering']).toBe('no');
    const first = await sse.nextEvent();
    expect(sse.items[0]).toEqual({ kind: 'retry', ms: 1500 });
    expect(first).toMatchObject({ id: '1', event: 'approval.pending' });
    expect(JSON.parse(first.data)).toMatchObject({
      type: 'approval.pending',
      id: expect.stringMatching(/^evt_/),
      data: { id: approval.id, status: 'pending' },
    });
  });

  it('streams the terminal event live as id 2 and then ends the stream', async () => {
    const approval = await createPending();
    const sse = await byKey(approval.id);
    expect((await sse.nextEvent()).id).toBe('1');
    await t.sim.approve(approval.id, 'biom');
    const terminal = await sse.nextEvent();
    expect(terminal).toMatchObject({ id: '2', event: 'approval.approved' });
    expect(JSON.parse(terminal.data)).toMatchObject({ type: 'approval.approved', data: { status: 'approved', authType: 'biom' } });
    await sse.end();
    expect(sse.events.map((e) => e.id)).toEqual(['1', '2']);
  });

  it('replays an already decided approval in full and ends, without waiting for anything live', async () => {
    const approval = await createPending();
    await bank.cancel(approval.id);
    const sse = await byKey(approval.id);
    await sse.end();
    expect(sse.events.map((e) => [e.id, e.event])).toEqual([
      ['1', 'approval.pending'],
      ['2', 'approval.cancelled'],
    ]);
  });

  it('replays only the events after the Last-Event-ID header', async () => {
    const approval = await createPending();
    await bank.cancel(approval.id);
    const sse = await follow(`/v1/approvals/${approval.id}/events`, { authorization: `Bearer ${BANK_APP.apiKey}`, 'last-event-id': '1' });
    await sse.end();
    expect(sse.events.map((e) => [e.id, e.event])).toEqual([['2', 'approval.cancelled']]);
  });

  it('replays only the events after the lastEventId query parameter (a first connect cannot send the header)', async () => {
    const approval = await createPending();
    const sse = await follow(`${approval.eventsUrl}&lastEventId=1`);
    await bank.cancel(approval.id);
    await sse.end();
    expect(sse.events.map((e) => e.id)).toEqual(['2']);
  });

  it('answers 204 to a reconnect after the terminal event, which stops EventSource from retrying', async () => {
    const approval = await createPending();
    await bank.cancel(approval.id);
    const sse = await follow(`/v1/approvals/${approval.id}/events`, { authorization: `Bearer ${BANK_APP.apiKey}`, 'last-event-id': '2' });
    expect(sse.status).toBe(204);
  });

  it('keeps an idle stream alive with comment lines', async () => {
    const approval = await createPending();
    const sse = await byKey(approval.id);
    await sse.nextEvent();
    expect(await sse.nextComment()).toBe('keep-alive');
    expect(await sse.nextComment()).toBe('keep-alive');
  });

  it('refuses a request with neither key nor token: 401 problem+json, no stream', async () => {
    const approval = await createPending();
    const sse = await follow(`/v1/approvals/${approval.id}/events`);
    expect(sse.status).toBe(401);
    expect(sse.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(sse.body)).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it("never opens approval B with approval A's token", async () => {
    const a = await createPending();
    const b = await createPending();
    const token = new URL(a.eventsUrl as string, t.url).searchParams.get('token') as string;
    const sse = await follow(`/v1/approvals/${b.id}/events?token=${encodeURIComponent(token)}`);
    expect(sse.status).toBe(401);
    expect(JSON.parse(sse.body)).toMatchObject({ code: 'unauthenticated' });
    expect(sse.body).not.toContain('approval.pending');
  });

  it('refuses a tampered token and a wrong API key with 401', async () => {
    const approval = await createPending();
    const url = new URL(approval.eventsUrl as string, t.url);
    const token = url.searchParams.get('token') as string;
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await follow(`/v1/approvals/${approval.id}/events?token=${tampered}`)).status).toBe(401);
    expect((await follow(`/v1/approvals/${approval.id}/events`, { authorization: 'Bearer not-a-key' })).status).toBe(401);
  });

  it('refuses a token once its lifetime has passed', async () => {
    const approval = await createPending();
    const token = new URL(approval.eventsUrl as string, t.url).searchParams.get('token') as string;
    const tokens = t.app.get(EventsTokenService);
    const record = { id: approval.id, clientId: BANK_APP.id, status: 'pending' as const, expiresAt: approval.expiresAt };
    expect(await tokens.verify(token, record)).toBe(true);
    expect(await tokens.verify(token, record, Date.now() + (t.config.sse.tokenTtlS + 60) * 1000)).toBe(false);
  });

  it("answers 404 for another client's approval and for an unknown one", async () => {
    const approval = await createPending();
    const other = await follow(`/v1/approvals/${approval.id}/events`, { authorization: `Bearer ${OTHER_APP.apiKey}` });
    expect(other.status).toBe(404);
    expect(JSON.parse(other.body)).toMatchObject({ code: 'approval_not_found' });
    expect((await byKey('no-such-approval')).status).toBe(404);
  });

  it('answers 400 for a Last-Event-ID that is not an event id', async () => {
    const approval = await createPending();
    const sse = await follow(`/v1/approvals/${approval.id}/events`, { authorization: `Bearer ${BANK_APP.apiKey}`, 'last-event-id': 'abc' });
    expect(sse.status).toBe(400);
  });

  it('lets the configured frontend origin read the stream cross-origin, Last-Event-ID allowed', async () => {
    const approval = await createPending();
    const preflight = await fetch(`${t.url}/v1/approvals/${approval.id}/events`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://bank.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'last-event-id',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://bank.example');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('last-event-id');
    const sse = await follow(approval.eventsUrl as string, { origin: 'https://bank.example' });
    expect(sse.headers['access-control-allow-origin']).toBe('https://bank.example');
    const foreign = await follow(approval.eventsUrl as string, { origin: 'https://evil.example' });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('works with a real EventSource following eventsUrl until the terminal event', async () => {
    const approval = await createPending();
    const source = new EventSource(t.url + approval.eventsUrl);
    const seen: { id: string; type: string; status: string }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const record = (e: MessageEvent) => seen.push({ id: e.lastEventId, type: e.type, status: JSON.parse(e.data).data.status });
      source.addEventListener('approval.pending', (e) => {
        record(e);
        void bank.cancel(approval.id);
      });
      source.addEventListener('approval.cancelled', (e) => {
        record(e);
        source.close();
        resolve();
      });
      source.onerror = () => (source.readyState === EventSource.CLOSED ? reject(new Error('EventSource failed')) : undefined);
    });
    await done;
    expect(seen).toEqual([
      { id: '1', type: 'approval.pending', status: 'pending' },
      { id: '2', type: 'approval.cancelled', status: 'cancelled' },
    ]);
  });

  it('releases every connection when clients disconnect', async () => {
    const approval = await createPending();
    const before = hub.connectionCount();
    const clients = await Promise.all([1, 2, 3, 4, 5].map(() => byKey(approval.id)));
    await Promise.all(clients.map((c) => c.nextEvent()));
    expect(hub.connectionCount()).toBe(before + 5);
    clients.forEach((c) => c.close());
    await eventually(() => hub.connectionCount() === before, 'connections released');
  });

  it('calls the event-written hook with the approval, type and createdAt of each event sent', async () => {
    const written: [string, string, string][] = [];
    hub.onEventWritten((id, type, createdAt) => written.push([id, type, createdAt]));
    const approval = await createPending();
    const sse = await byKey(approval.id);
    await bank.cancel(approval.id);
    await sse.end();
    const mine = written.filter(([id]) => id === approval.id);
    expect(mine.map(([, type]) => type)).toEqual(['approval.pending', 'approval.cancelled']);
    expect(mine[0][2]).toBe(JSON.parse(sse.events[0].data).createdAt);
  });
});
