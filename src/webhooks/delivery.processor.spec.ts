import { DelayedError, Job } from 'bullmq';
import { AppConfig } from '../config/app.config';
import { strictMock } from '../../test/unit/strict-mock';
import { DeliveryQueues } from './delivery-queues';
import { DeliveryHandler, DeliveryResult } from './delivery.handler';
import { DeliveryJobData } from './delivery.job';
import { DeliveryProcessor } from './delivery.processor';
import { TestEventHandler } from './test-event.handler';

describe(DeliveryProcessor.name, () => {
  const data: DeliveryJobData = { approvalId: 'a1', eventId: 'evt_a1', attempt: 0, deadlineMs: Date.now() + 60_000 };

  function run(result: DeliveryResult) {
    const handler = strictMock<DeliveryHandler>({ handle: async () => result });
    const sut = new DeliveryProcessor(
      strictMock<DeliveryQueues>({ createWorkers: () => undefined }),
      handler,
      strictMock<TestEventHandler>(),
      { webhooks: { concurrency: 1 } } as AppConfig,
    );
    const job = strictMock<Job<DeliveryJobData>>({
      name: 'deliver',
      data,
      moveToDelayed: async () => undefined,
      updateData: async () => undefined,
    });
    return { job, done: sut.process(job, 'token-1') };
  }

  it('parks a job whose delivery another sender holds (the first attempt in flight) until then, its attempts untouched', async () => {
    const { job, done } = run({ kind: 'busy', atMs: 12_345 });
    // DelayedError tells BullMQ the job moved itself: no failure is counted against its attempts.
    await expect(done).rejects.toBeInstanceOf(DelayedError);
    expect(job.moveToDelayed).toHaveBeenCalledWith(12_345, 'token-1');
    expect(job.updateData).not.toHaveBeenCalled();
  });

  it("saves the round's next attempt before parking a job whose attempt failed", async () => {
    const next = { ...data, attempt: 1 };
    const { job, done } = run({ kind: 'again', atMs: 23_456, data: next, attempt: {} as never });
    await expect(done).rejects.toBeInstanceOf(DelayedError);
    expect(job.updateData).toHaveBeenCalledWith(next);
    expect(job.moveToDelayed).toHaveBeenCalledWith(23_456, 'token-1');
  });

  it('ends a job as its delivery ended', async () => {
    await expect(run({ kind: 'done', state: 'delivered' }).done).resolves.toBe('delivered');
  });
});
