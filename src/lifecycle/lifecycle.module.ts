import { Module } from '@nestjs/common';
import { GracefulShutdown } from './graceful-shutdown.service';
import { RedisSettingsCheck } from './redis-settings.check';

/** How the process starts and stops: the Redis settings check and the graceful shutdown. */
@Module({
  providers: [GracefulShutdown, RedisSettingsCheck],
})
export class LifecycleModule {}
