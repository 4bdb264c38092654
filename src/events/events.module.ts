import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { EventStreamSubscriber } from './event-stream.subscriber';
import { EventsService } from './events.service';
import { SseHub } from './sse.hub';
import { SseLimits } from './sse-limits.service';

/**
 * Server-Sent Events: the hub of this instance's connections and the one stream subscriber. Only API
 * processes import it (ApiModule, which also mounts EventsController), so a worker opens no reader.
 * The eventsUrl tokens are EventsTokenModule's, composed at the root for every role.
 */
@Module({
  imports: [ApprovalsModule],
  providers: [EventStreamSubscriber, SseHub, SseLimits, EventsService],
  exports: [EventsService],
})
export class EventsModule {}
