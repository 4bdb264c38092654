import { EventStreamSubscriber } from '../../src/events/event-stream.subscriber';
import { Approval, ApiClient } from '../helpers/api-client';
import { BANK_APP } from '../helpers/clients';
import { SseClient } from '../helpers/sse-client';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { eventually } from '../helpers/eventually';

/**
 * A master promoted after a failover (or restarted from an older AOF) may have lost the event
 * stream's tail: its stream ends before the id the reader last read. New entries there may get ids
 * at or below that id (a master whose clock is behind), which an XREAD from the old id would skip.
 */
describe('SSE after the event stream lost its tail on a new master', () => {
  let t: TestApp;
  let bank: ApiClient;
  const open: SseClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ SSE_HEARTBEAT_MS: '500' });
    bank = t.api(BANK_APP.apiKey);
  });
  afterEach(() => open.splice(0).forEach((c) => c.close()));
  afterAll(async () => t?.close());

  async function createPending(): Promise<Approval> {
    const res = await bank.create({ userId: newUserId(), message: 'Approve wire transfer of $500 to account 1234' });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function readerIds(): Promise<string[]> {
    const name = t.app.get(EventStreamSubscriber).connectionName;
    const list = (await t.redis.client('LIST')) as string;
    return list
      .split('\n')
      .filter((line) => line.includes(` name=${name} `))
      .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1] as string);
  }

  it('delivers events the new master writes below the id the reader had reached', async () => {
    const stream = `${t.prefix}:events`;
    const subscriber = t.app.get(EventStreamSubscriber);
    const approval = await createPending();
    const sse = await SseClient.open(t.url + approval.eventsUrl);
    open.push(sse);
    expect(await sse.nextEvent()).toMatchObject({ id: '1', event: 'approval.pending' });

    // The old master's last entry, an hour ahead of this master's clock; the reader reads it.
    const ahead = `${Date.now() + 3_600_000}-0`;
    await t.redis.xadd(stream, ahead, 'marker', 'old-master');
    await eventually(() => subscriber.positionOf(0) === ahead, "the reader has read the old master's last entry");
    // The failover: the new master's stream ends before that entry, and the reader's connection drops.
    const resumes = subscriber.resumes;
    await t.redis.xtrim(stream, 'MAXLEN', 0);
    await t.redis.del(stream);
    await t.redis.xadd(stream, `${Date.now() - 1000}-0`, 'marker', 'new-master');
    const [reader] = await readerIds();
    await t.redis.client('KILL', 'ID', reader);
    await eventually(() => subscriber.resumes > resumes, 'the reader resumes');
    await eventually(async () => (await readerIds()).length === 1, 'the reader reconnects');
    await eventually(() => subscriber.positionOf(0) !== ahead, 'the reader moves back to where the stream now ends');

    // Written by this master now: its stream id is below the old master's last one.
    expect((await bank.cancel(approval.id)).status).toBe(200);
    expect(await sse.nextEvent()).toMatchObject({ id: '2', event: 'approval.cancelled' });
    await sse.end();
  });
});
