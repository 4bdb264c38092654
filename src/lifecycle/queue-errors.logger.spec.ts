import { Logger } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Queue } from 'bullmq';
import { QueuesService } from '../metrics/queues.service';
import { QueueErrorsLogger } from './queue-errors.logger';
import { freePort } from '../../test/helpers/service-process';

describe(QueueErrorsLogger.name, () => {
  // The queue retries every 50 ms for 2 s, then gives up: an error raised before the logger is
  // attached is followed by more, and nothing is left running (closing would wait for a connection).
  it('turns a queue connection error into one warning naming the queue', async () => {
    const queue = new Queue('unreachable', {
      connection: { host: '127.0.0.1', port: await freePort(), retryStrategy: (times) => (times < 40 ? 50 : null) },
    });
    const warned = new Promise<string>((resolve) =>
      jest.spyOn(Logger.prototype, 'warn').mockImplementation((m: unknown) => resolve(String(m))),
    );
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [QueueErrorsLogger, QueuesService, { provide: 'QUEUE', useValue: queue }],
    }).compile();
    await moduleRef.init();
    try {
      await expect(warned).resolves.toMatch(/^queue unreachable: .*ECONNREFUSED/);
    } finally {
      await moduleRef.close();
      jest.restoreAllMocks();
    }
  });
});
