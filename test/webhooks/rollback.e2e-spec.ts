import { randomBytes } from 'node:crypto';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { WebhookReceiver } from '../helpers/webhook-receiver';
import { eventually } from '../helpers/eventually';
import { DeliveryQueues } from '../../src/webhooks/delivery-queues';

const secret = `whsec_${randomBytes(32).toString('base64')}`;

/**
 * A failover to a replica that lacked the last writes, or a restart from an older AOF, can take back
 * a decision whose webhook was already sent. The approval is then polled and decided again; with the
 * same outcome its terminal event must carry the same id, so the receiver sees one webhook-id twice
 * (and de-duplicates it) rather than two different terminal events of one approval.
 */
describe('Webhooks after Redis took back a decision', () => {
  let receiver: WebhookReceiver;
  let t: TestApp;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    const client = {
      id: 'hooked-app',
      apiKey: 'hooked-app-key-0123456789',
      webhookUrl: `${receiver.origin}/hooks/default`,
      webhookSecret: secret,
      callbackOrigins: [receiver.origin],
    };
    t = await startTestApp({ CLIENTS: JSON.stringify([client]) });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('repeats the same terminal webhook-id when an approval rolled back to pending is decided again the same way', async () => {
    const keys = t.keys;
    const queue = (approvalId: string) => t.app.get(DeliveryQueues).of(approvalId);
    const api = t.api('hooked-app-key-0123456789');
    const created = await api.create({ userId: newUserId(), message: 'Approve payment of $90' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    // What a replica (or an older AOF) holds: the approval still pending, with its first poll due.
    const record = await t.redis.dumpBuffer(keys.approval(id));
    const events = await t.redis.dumpBuffer(keys.approvalEvents(id));
    const pendingScore = (await t.redis.zscore(keys.pendingApprovals(keys.shardOf(id)), id))!;

    await t.sim.approve(id, 'pin');
    const first = await t.events.waitFor(id, 'approval.approved');
    await receiver.waitForRequests(1);
    await eventually(
      async () => (await queue(id).getJobState(`delivery-${first.event.id}`)) === 'completed',
      'the delivery job to complete',
    );

    // The failover: the decision, its delivery and its job are gone; the approval is pending again.
    await t.redis
      .multi()
      .restore(keys.approval(id), 0, record, 'REPLACE')
      .restore(keys.approvalEvents(id), 0, events, 'REPLACE')
      .zadd(keys.pendingApprovals(keys.shardOf(id)), pendingScore, id)
      .zadd(keys.pollsDue(keys.shardOf(id)), Date.now(), id)
      .del(keys.approvalDeliveries(id))
      .zrem(keys.decisionsAwaitingDelivery(keys.shardOf(id)), id)
      .exec();
    expect(await queue(id).remove(`delivery-${first.event.id}`)).toBe(1);
    expect((await api.get(id)).body.status).toBe('pending');

    const approvals = () => t.events.all(id).filter((e) => e.event.type === 'approval.approved');
    await eventually(() => approvals().length === 2, 'the approval decided again');
    expect(approvals().map((e) => e.event.id)).toEqual([first.event.id, first.event.id]);
    await receiver.waitForRequests(2);
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([first.event.id, first.event.id]);
  });
});
