import { WorkerHost } from '@nestjs/bullmq';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Worker } from 'bullmq';
import { QueuesService } from './queues.service';

/** A processor whose worker @nestjs/bullmq would have set: here a stand-in, as only its identity matters. */
class FakeProcessor extends WorkerHost {
  constructor(worker: Worker) {
    super();
    (this as unknown as { _worker: Worker })._worker = worker;
  }
  process(): Promise<void> {
    return Promise.resolve();
  }
}

const makeWorker = (name: string): Worker => ({ name }) as Worker;

describe(QueuesService.name, () => {
  it('finds each processor’s worker, and the fresh one after a replacement', async () => {
    const deliveries = makeWorker('delivery');
    const polls = makeWorker('poll');
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [
        QueuesService,
        { provide: 'DELIVERY', useValue: new FakeProcessor(deliveries) },
        { provide: 'POLL', useValue: new FakeProcessor(polls) },
      ],
    }).compile();
    const sut = moduleRef.get(QueuesService);
    expect(sut.workers()).toHaveLength(2);
    expect(sut.workers()[0]).toBe(deliveries);
    expect(sut.workers()[1]).toBe(polls);

    const fresh = makeWorker('delivery');
    sut.replaceWorker(deliveries, fresh);

    expect(sut.workers()[0]).toBe(fresh);
    expect(sut.workers()[1]).toBe(polls);
    expect(moduleRef.get<FakeProcessor>('DELIVERY').worker).toBe(fresh);
    expect(() => sut.replaceWorker(deliveries, makeWorker('delivery'))).toThrow(/queue delivery/);
  });
});
