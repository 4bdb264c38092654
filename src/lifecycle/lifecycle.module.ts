import { Module } from '@nestjs/common';
import { GracefulShutdown } from './graceful-shutdown.service';
import { QueueErrorsLogger } from './queue-errors.logger';
import { RedisSettingsCheck } from './redis-settings.check';
import { WorkerWatchdogService } from './worker-watchdog.service';

/** How the process starts and stops: the Redis settings check, queue error logging, the watchdog of stalled workers and the graceful shutdown. */
@Module({
  providers: [GracefulShutdown, RedisSettingsCheck, QueueErrorsLogger, WorkerWatchdogService],
})
export class LifecycleModule {}
