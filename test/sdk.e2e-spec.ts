import { StepupClient, type Approval, type ApprovalEvent } from '../client/src/index';
import { until } from './helpers/eventually';
import { BANK_APP } from './helpers/clients';
import { TestApp, newUserId, startTestApp } from './helpers/test-app';
import { WebhookReceiver } from './helpers/webhook-receiver';
import { ApprovalWaiters } from '../src/approvals/approval-waiters';

const HOOKED = {
  id: 'sdk-app',
  apiKey: 'sdk-app-key-0123456789abcdef',
  webhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};

/** The SDK in client/ against the real service, the simulator as Recognize and a real webhook receiver. */
describe('SDK (client/) against the real service', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let sdk: StepupClient;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestApp({
      CLIENTS: JSON.stringify([BANK_APP, { ...HOOKED, webhookUrl: `${receiver.origin}/hooks`, callbackOrigins: [] }]),
      USER_MAX_PENDING: '20',
      USER_MAX_CREATIONS_PER_MINUTE: '20',
    });
    sdk = new StepupClient({ baseUrl: t.url, apiKey: HOOKED.apiKey });
  });

  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('createApproval and getApproval answer the same approval', async () => {
    const created = await sdk.createApproval({ userId: newUserId().toLowerCase(), message: 'Approve the transfer', metadata: { ref: 'r-1' } });
    expect(created).toMatchObject({ status: 'pending', metadata: { ref: 'r-1' }, eventsUrl: expect.stringMatching(/^\/v1\/approvals\/.+\/events\?token=/) });
    const { deliveries, ...read } = await sdk.getApproval(created.id);
    expect(deliveries).toEqual([]);
    expect(read).toEqual(created);
  });

  it('getApproval with wait answers once the approval is decided through the simulator', async () => {
    const created = await sdk.createApproval({ userId: newUserId(), message: 'Approve' });
    const waiting = sdk.getApproval(created.id, { wait: 30 });
    await until('the long-poll waits', () => (t.app.get(ApprovalWaiters).count() > 0 ? true : undefined));
    await t.sim.approve(created.id, 'pin');
    expect(await waiting).toMatchObject({ id: created.id, status: 'approved', authType: 'pin' });
  });

  it('listApprovals iterates every approval of a user, newest first, across pages', async () => {
    const userId = newUserId();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await sdk.createApproval({ userId, message: `Approve ${i}` })).id);
    const seen: Approval[] = [];
    for await (const approval of sdk.listApprovals({ userId, limit: 2 })) seen.push(approval);
    expect(seen.map((a) => a.id)).toEqual([...ids].reverse());
  });

  it('cancelApproval cancels a pending approval', async () => {
    const created = await sdk.createApproval({ userId: newUserId(), message: 'Approve' });
    expect(await sdk.cancelApproval(created.id)).toMatchObject({ id: created.id, status: 'cancelled', decidedAt: expect.any(String) });
  });

  it('waitForDecision follows the events (SSE) until the simulator approves, and the webhook verifies', async () => {
    const created = await sdk.createApproval({ userId: newUserId(), message: 'Approve' });
    const events: ApprovalEvent[] = [];
    let sawPending!: () => void;
    const pendingSeen = new Promise<void>((resolve) => (sawPending = resolve));
    const decided = sdk.waitForDecision(created.id, {
      eventsUrl: created.eventsUrl,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'approval.pending') sawPending();
      },
    });
    await pendingSeen;
    await t.sim.approve(created.id, 'biom');
    const approval = await decided;
    expect(approval).toMatchObject({ id: created.id, status: 'approved', authType: 'biom' });
    expect(events.map((e) => e.type)).toEqual(['approval.pending', 'approval.approved']);

    // Earlier tests' decisions are webhooks too: take this approval's.
    const request = await until('the webhook of this approval', () => receiver.requests.find((r) => r.rawBody.includes(JSON.stringify(created.id))));
    const event = sdk.verifyWebhook({ headers: request.headers, body: request.rawBody }, HOOKED.webhookSecret);
    expect(event).toMatchObject({ id: request.headers['webhook-id'], type: 'approval.approved', data: { id: created.id, status: 'approved', eventsUrl: created.eventsUrl } });
    expect(event).toEqual(events[1]);
    expect(() => sdk.verifyWebhook({ headers: request.headers, body: request.rawBody.replace('approved', 'rejected') }, HOOKED.webhookSecret)).toThrow();
  });
});
