import { Module } from '@nestjs/common';
import { GracefulShutdown } from './graceful-shutdown.service';
import { QueueErrorsLogger } from './queue-errors.logger';
import { RedisSettingsCheck } from './redis-settings.check';

/** How the process starts and stops: the Redis settings check, queue error logging and the graceful shutdown. */
@Module({
  providers: [GracefulShutdown, RedisSettingsCheck, QueueErrorsLogger],
})
export class LifecycleModule {}
