import { HeldRequestsService } from '../../src/events/held-requests.service';
import { Approval } from '../helpers/api-client';
import { BANK_APP, OTHER_APP } from '../helpers/clients';
import { eventually } from '../helpers/eventually';
import { SseClient } from '../helpers/sse-client';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

/**
 * Issue 18, item 7: one client's held requests (event streams and ?wait= long-polls together) never
 * starve another client or the health checks. Client A is BANK_APP, client B is OTHER_APP.
 */
describe('held requests: a per-client cap on streams and long-polls', () => {
  const CAP = 4;
  let t: TestApp;
  let held: HeldRequestsService;
  const streams: SseClient[] = [];
  const polls: AbortController[] = [];

  beforeAll(async () => {
    t = await startTestApp({ HTTP_MAX_CONNECTIONS: '64', CLIENT_MAX_HELD_REQUESTS: String(CAP), SSE_HEARTBEAT_MS: '500' });
    held = t.app.get(HeldRequestsService);
  });
  afterEach(async () => {
    streams.splice(0).forEach((s) => s.close());
    polls.splice(0).forEach((p) => p.abort());
    await eventually(() => held.open === 0, 'every held request of the test ended');
  });
  afterAll(() => t.close());

  async function createPending(apiKey = BANK_APP.apiKey): Promise<Approval> {
    const res = await t.api(apiKey).create({ userId: newUserId(), message: 'Approve wire transfer of $500 to account 1234' });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** A long-poll of `apiKey`; abort it through the returned controller. */
  function longPoll(id: string, waitS: number, apiKey = BANK_APP.apiKey): { answer: Promise<Response>; controller: AbortController } {
    const controller = new AbortController();
    polls.push(controller);
    const answer = fetch(`${t.url}/v1/approvals/${encodeURIComponent(id)}?wait=${waitS}`, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: controller.signal,
    });
    answer.catch(() => undefined);
    return { answer, controller };
  }

  async function stream(path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const sse = await SseClient.open(t.url + path, { headers });
    streams.push(sse);
    return sse;
  }
  const byKey = (id: string, apiKey = BANK_APP.apiKey) =>
    stream(`/v1/approvals/${encodeURIComponent(id)}/events`, { authorization: `Bearer ${apiKey}` });

  /** A fills its cap: two long-polls, one stream by API key and one anonymous eventsUrl stream (the approval's client is A). */
  async function fillCapOfA(): Promise<{ approvals: Approval[]; poll: ReturnType<typeof longPoll>; keyStream: SseClient }> {
    const approvals = await Promise.all(Array.from({ length: CAP + 1 }, () => createPending()));
    const poll = longPoll(approvals[0].id, 60);
    longPoll(approvals[1].id, 60);
    const keyStream = await byKey(approvals[2].id);
    const tokenStream = await stream(approvals[3].eventsUrl!);
    expect([keyStream.status, tokenStream.status]).toEqual([200, 200]);
    await eventually(() => held.heldBy(BANK_APP.id) === CAP, 'A holds its cap');
    return { approvals, poll, keyStream };
  }

  function expectHeldCapProblem(status: number, headers: { get(name: string): string | null }, body: unknown): void {
    expect(status).toBe(429);
    expect(Number(headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(body).toMatchObject({
      status: 429,
      code: 'too_many_requests',
      detail: expect.stringMatching(/held requests .* for this client/),
    });
  }

  it("answers A's next long-poll and stream past its cap with 429 and Retry-After, while B and /health/live still answer", async () => {
    const { approvals } = await fillCapOfA();
    const extra = approvals[CAP];

    // The review's replay: A keeps asking to hold more.
    const more = await Promise.all(Array.from({ length: 10 }, () => longPoll(extra.id, 60).answer));
    for (const res of more) expectHeldCapProblem(res.status, res.headers, await res.json());
    const keyStream = await byKey(extra.id);
    expectHeldCapProblem(keyStream.status, { get: (n) => String(keyStream.headers[n] ?? '') }, JSON.parse(keyStream.body));
    const tokenStream = await stream(extra.eventsUrl!);
    expectHeldCapProblem(tokenStream.status, { get: (n) => String(tokenStream.headers[n] ?? '') }, JSON.parse(tokenStream.body));
    expect(held.heldBy(BANK_APP.id)).toBe(CAP);

    // A's requests that hold nothing still answer.
    expect((await t.api(BANK_APP.apiKey).get(extra.id)).status).toBe(200);
    // B: create, read, and hold requests of its own.
    const b = await createPending(OTHER_APP.apiKey);
    expect((await t.api(OTHER_APP.apiKey).get(b.id)).status).toBe(200);
    expect((await longPoll(b.id, 1, OTHER_APP.apiKey).answer).status).toBe(200);
    expect((await byKey(b.id, OTHER_APP.apiKey)).status).toBe(200);
    // And the health check.
    expect((await fetch(`${t.url}/health/live`)).status).toBe(200);
  });

  it('gives a slot back when A aborts a long-poll', async () => {
    const { approvals, poll } = await fillCapOfA();
    poll.controller.abort();
    await eventually(() => held.heldBy(BANK_APP.id) === CAP - 1, 'the aborted long-poll released its slot');
    longPoll(approvals[CAP].id, 60);
    await eventually(() => held.heldBy(BANK_APP.id) === CAP, 'A holds again');
  });

  it('gives a slot back when A closes a stream', async () => {
    const { approvals, keyStream } = await fillCapOfA();
    keyStream.close();
    await eventually(() => held.heldBy(BANK_APP.id) === CAP - 1, 'the closed stream released its slot');
    expect((await byKey(approvals[CAP].id)).status).toBe(200);
    expect(held.heldBy(BANK_APP.id)).toBe(CAP);
  });

  it('gives a slot back when a long-poll times out, and when the approval is decided', async () => {
    const approvals = await Promise.all(Array.from({ length: CAP + 1 }, () => createPending()));
    for (const approval of approvals.slice(0, CAP - 2)) longPoll(approval.id, 60);
    const timingOut = longPoll(approvals[CAP - 2].id, 1);
    const decided = longPoll(approvals[CAP - 1].id, 60);
    await eventually(() => held.heldBy(BANK_APP.id) === CAP, 'A holds its cap');

    const timedOut = await timingOut.answer;
    expect(timedOut.status).toBe(200);
    expect(await timedOut.json()).toMatchObject({ status: 'pending' });
    expect(held.heldBy(BANK_APP.id)).toBe(CAP - 1);

    await t.sim.approve(approvals[CAP - 1].id);
    expect(await (await decided.answer).json()).toMatchObject({ status: 'approved' });
    expect(held.heldBy(BANK_APP.id)).toBe(CAP - 2);

    longPoll(approvals[CAP].id, 60);
    longPoll(approvals[CAP].id, 60);
    await eventually(() => held.heldBy(BANK_APP.id) === CAP, 'A holds its cap again');
  });

  it('counts nothing for a wait on an approval that is already decided', async () => {
    const approval = await createPending();
    await t.sim.approve(approval.id);
    await t.events.waitFor(approval.id, 'terminal');
    const res = await longPoll(approval.id, 60).answer;
    expect(res.status).toBe(200);
    expect(held.open).toBe(0);
  });
});
