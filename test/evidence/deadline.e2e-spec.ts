import { randomBytes, randomUUID } from 'node:crypto';
import { ApiClient, Approval } from '../helpers/api-client';
import { eventually, until } from '../helpers/eventually';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { WebhookReceiver } from '../helpers/webhook-receiver';

interface Problem {
  status: number;
  code: string;
  detail: string;
}

/**
 * Contract v3: a signature received at or after expiresAt never approves, even while the final poll
 * is still out. The attack of issue 18 (item 3): a valid JWT submitted 1.6 s after the deadline,
 * while Recognize had not answered the final poll yet, approved the approval.
 */
describe('signatures after the deadline (POST /v1/approvals/{id}/signature, contract v3)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let hooked: ApiClient;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    const client = {
      id: 'hooked-app',
      apiKey: 'hooked-app-key-0123456789',
      webhookUrl: `${receiver.origin}/hooks/default`,
      webhookSecret: `whsec_${randomBytes(32).toString('base64')}`,
      callbackOrigins: [receiver.origin],
    };
    t = await startTestApp({ CLIENTS: JSON.stringify([client]) });
    hooked = t.api(client.apiKey);
  });
  afterEach(() => t.sim.clearFaults());
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const getsSoFar = async () => (await t.sim.stats()).requests.get;
  const passed = (atMs: number) =>
    eventually(() => Date.now() > atMs, `the clock passed ${new Date(atMs).toISOString()}`, { timeoutMs: 30_000 });
  /** Polls that ended with this approval status, as /metrics counts them (only one approval polls at a time here). */
  const pollsEnded = async (status: string): Promise<number> => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const match = new RegExp(`^stepup_polls_total\\{outcome="${status}"\\} (\\d+)$`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  };
  const webhooksFor = (id: string) => receiver.requests.filter((r) => r.rawBody.includes(JSON.stringify(id)));

  /** An approval whose polls the simulator holds: its first poll is in flight when this resolves. */
  async function createWithHeldPoll(timeoutSeconds: number): Promise<Approval> {
    const id = `deadline-${randomUUID()}`;
    await t.sim.fault({ route: 'get', operationId: id, delayMs: 60_000 });
    const gets = await getsSoFar();
    const res = await hooked.create({ userId: newUserId(), operationId: id, message: 'Pay 1250.00 EUR to ACME Ltd', timeoutSeconds });
    expect(res.status).toBe(201);
    await eventually(async () => (await getsSoFar()) > gets, 'the first poll reached the simulator');
    return res.body;
  }

  it('refuses a valid JWT received 1.6 s after expiresAt while the final poll is held: 409 approval_expired, expired, one terminal event, one webhook', async () => {
    const approval = await createWithHeldPoll(2);
    const jwt = await t.sim.signTransaction({ td: approval.transactionData as string });
    await passed(Date.parse(approval.expiresAt) + 1600);

    const res = await hooked.request<Problem>('POST', `/v1/approvals/${approval.id}/signature`, { jwt });

    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ status: 409, code: 'approval_expired' });
    const terminal = await t.events.waitFor(approval.id, 'terminal');
    expect(terminal.event.type).toBe('approval.expired');
    const after = (await hooked.get(approval.id)).body;
    expect(after.status).toBe('expired');
    expect(after).not.toHaveProperty('signature');
    expect(after).not.toHaveProperty('receipt');

    // The held final poll now answers (still pending, after the deadline): it finds the approval decided.
    const ended = await pollsEnded('expired');
    await t.sim.clearFaults();
    await until('the held poll ended', async () => ((await pollsEnded('expired')) > ended ? true : undefined));
    await receiver.waitForRequests(1);
    await eventually(async () => ((await hooked.get(approval.id)).body.deliveries as unknown[]).length === 1, 'the webhook delivered');

    expect(await t.redis.llen(t.keys.approvalEvents(approval.id))).toBe(2);
    expect(t.events.all(approval.id).filter((e) => e.event.type !== 'approval.pending')).toHaveLength(1);
    expect(webhooksFor(approval.id)).toHaveLength(1);
    expect((await hooked.get(approval.id)).body.status).toBe('expired');
  });

  it('still approves with a valid JWT received before expiresAt', async () => {
    const approval = (await hooked.create({ userId: newUserId(), message: 'Pay 5 EUR', timeoutSeconds: 300 })).body;
    const jwt = await t.sim.signTransaction({ td: approval.transactionData as string });
    const res = await hooked.request('POST', `/v1/approvals/${approval.id}/signature`, { jwt });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'approved', approvedBy: 'signature' });
  });
});
