import { ApprovalsService } from '../approvals/approvals.service';
import { ClientsRegistry } from '../clients/clients.registry';
import { AppConfig } from '../config/app.config';
import { MetricsService } from '../metrics/metrics.service';
import { makeApproval } from '../../test/unit/fake-approvals-store';
import { strictMock } from '../../test/unit/strict-mock';
import { DeliveryHandler } from './delivery.handler';
import { DeliveryJobData } from './delivery.job';
import { DeliveryStore } from './delivery.store';
import { AttemptOutcome, WebhookClient } from './webhook.client';

/** Attempts that end when the test says so, per approval id. */
class ControlledReceiver {
  readonly waiting = new Map<string, (outcome: AttemptOutcome) => void>();
  send(approvalId: string): Promise<{ outcome: AttemptOutcome; at: Date; durationMs: number }> {
    return new Promise((resolve) => this.waiting.set(approvalId, (outcome) => resolve({ outcome, at: new Date(), durationMs: 0 })));
  }
  answer(approvalId: string, outcome: AttemptOutcome): void {
    this.waiting.get(approvalId)?.(outcome);
    this.waiting.delete(approvalId);
  }
}

describe(DeliveryHandler.name, () => {
  const job = (approvalId: string): DeliveryJobData => ({
    approvalId,
    eventId: `evt_${approvalId}`,
    attempt: 0,
    deadlineMs: Date.now() + 60_000,
  });
  let receiver: ControlledReceiver;
  let sut: DeliveryHandler;

  beforeEach(() => {
    receiver = new ControlledReceiver();
    const clientOf = (id: string) => (id.startsWith('a') ? 'client-a' : 'client-b');
    const approvals = strictMock<ApprovalsService>({
      get: async (id: string) => makeApproval({ id, clientId: clientOf(id), status: 'cancelled', decidedAt: new Date().toISOString() }),
      eventsAfter: async (id: string) => [{ seq: 2, event: { id: `evt_${id}`, type: 'approval.cancelled', createdAt: '', data: {} } }],
    });
    const leases = new Map<string, string>();
    let tokens = 0;
    const deliveries = strictMock<DeliveryStore>({
      get: async (_id: string, eventId: string) => ({ eventId, url: 'https://hooks.example/x', state: 'pending', attempts: 0 }),
      save: async () => undefined,
      claim: async (eventId: string) => {
        if (leases.has(eventId)) return { heldForMs: 20_000 };
        leases.set(eventId, String(++tokens));
        return { token: leases.get(eventId)! };
      },
      releaseClaim: async (eventId: string, token: string) => {
        if (leases.get(eventId) === token) leases.delete(eventId);
      },
    });
    const clients = strictMock<ClientsRegistry>({
      findById: (id: string) => ({ id, apiKey: 'k'.repeat(20), webhookSecret: 'whsec_x', callbackOrigins: [] }),
    });
    const webhooks = strictMock<WebhookClient>({
      sendFor: (_client: unknown, _url: string, event: { id: string }) => receiver.send(event.id.slice(4)),
    });
    const metrics = strictMock<MetricsService>({
      webhookAttempt: () => undefined,
      notified: () => undefined,
      webhookDeadLetter: () => undefined,
    });
    const config = { webhooks: { concurrency: 6, clientConcurrency: 2, retryBaseMs: 1000, timeoutMs: 15_000 } } as AppConfig;
    sut = new DeliveryHandler(approvals, deliveries, clients, webhooks, config, metrics);
  });

  /** Starts a delivery and waits until its attempt is at the receiver; `done` is the handler's result. */
  async function inFlight(id: string): Promise<{ done: Promise<unknown> }> {
    const done = sut.handle(job(id));
    await new Promise((resolve) => setImmediate(resolve));
    expect(receiver.waiting.has(id)).toBe(true);
    return { done };
  }

  it("sends another client's delivery while one client has every one of its slots in flight", async () => {
    const a1 = await inFlight('a1');
    const a2 = await inFlight('a2');
    // Client a's slots are taken: its next deliveries wait for one (6 − 2 × 2 = 2 may wait), the one after steps aside.
    const a3 = sut.handle(job('a3'));
    const a4 = sut.handle(job('a4'));
    expect(await sut.handle(job('a5'))).toMatchObject({ kind: 'busy', atMs: expect.any(Number) });
    expect(receiver.waiting.has('a3')).toBe(false);
    const b1 = await inFlight('b1');
    receiver.answer('b1', { kind: 'delivered', statusCode: 200 });
    expect(await b1.done).toMatchObject({ kind: 'done', state: 'delivered' });
    // A slot of client a frees: the first waiter takes it at once, no delay.
    receiver.answer('a1', { kind: 'delivered', statusCode: 200 });
    await a1.done;
    await new Promise((resolve) => setImmediate(resolve));
    expect(receiver.waiting.has('a3')).toBe(true);
    expect(receiver.waiting.has('a4')).toBe(false);
    for (const id of ['a2', 'a3']) receiver.answer(id, { kind: 'delivered', statusCode: 200 });
    await new Promise((resolve) => setImmediate(resolve));
    receiver.answer('a4', { kind: 'delivered', statusCode: 200 });
    expect(await Promise.all([a2.done, a3, a4])).toEqual(Array(3).fill(expect.objectContaining({ kind: 'done', state: 'delivered' })));
  });

  it('leaves a delivery to the first attempt that holds its lease: the job steps aside until the lease ends, nothing is sent twice', async () => {
    const slot = sut.trySlot('client-a')!;
    const record = makeApproval({ id: 'a1', clientId: 'client-a', status: 'cancelled', decidedAt: new Date().toISOString() });
    const event = { id: 'evt_a1', type: 'approval.cancelled' as const, createdAt: '', data: {} } as never;
    const first = sut.attemptFirst(job('a1'), record, event, slot);
    await new Promise((resolve) => setImmediate(resolve));
    expect(receiver.waiting.has('a1')).toBe(true);

    const before = Date.now();
    expect(await sut.handle(job('a1'))).toMatchObject({ kind: 'busy', atMs: expect.any(Number) });
    expect(((await sut.handle(job('a1'))) as { atMs: number }).atMs).toBeGreaterThanOrEqual(before + 20_000);
    receiver.answer('a1', { kind: 'delivered', statusCode: 200 });
    expect(await first).toMatchObject({ kind: 'done', state: 'delivered' });
    // The first attempt gave back its slot: client a has both again.
    expect(sut.trySlot('client-a')).toBeDefined();
    expect(sut.trySlot('client-a')).toBeDefined();
    expect(sut.trySlot('client-a')).toBeUndefined();
  });
});
