import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { EventStreamSubscriber } from './event-stream.subscriber';
import { EventsController } from './events.controller';
import { EventsModule } from './events.module';
import { EventsService } from './events.service';
import { SseHub } from './sse.hub';

/**
 * The SSE side of events: the controller, the hub of this instance's connections, and the one stream
 * subscriber. Separate from EventsModule (tokens), which ApprovalsModule imports, to keep the graph acyclic.
 */
@Module({
  imports: [ApprovalsModule, EventsModule],
  controllers: [EventsController],
  providers: [EventStreamSubscriber, SseHub, EventsService],
  exports: [SseHub],
})
export class SseModule {}
