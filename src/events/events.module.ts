import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { ApprovalLongPoll } from '../approvals/approval-long-poll';
import { ApprovalLongPollService } from './approval-long-poll.service';
import { ApprovalWaiters } from './approval-waiters';
import { EventStreamSubscriber } from './event-stream.subscriber';
import { EventsService } from './events.service';
import { SseHub } from './sse.hub';
import { SseLimits } from './sse-limits.service';
import { HeldRequestsService } from './held-requests.service';

/**
 * Server-Sent Events and long-polls: the hub of this instance's connections, the one stream subscriber,
 * and the long-poll waiters it wakes. Only API
 * processes import it (ApiModule, which also mounts EventsController), so a worker opens no reader.
 * The eventsUrl tokens are EventsTokenModule's, composed at the root for every role.
 */
@Module({
  imports: [ApprovalsModule],
  providers: [
    EventStreamSubscriber,
    SseHub,
    SseLimits,
    EventsService,
    // Long-polls (GET /v1/approvals/{id}?wait=N) wait here and are woken by the same stream reader;
    // they count, with event streams, against one per-client share of held requests.
    ApprovalWaiters,
    HeldRequestsService,
    ApprovalLongPollService,
    { provide: ApprovalLongPoll, useExisting: ApprovalLongPollService },
  ],
  // ApprovalLongPoll: for ApprovalsController, mounted by ApiModule beside this module.
  exports: [EventsService, ApprovalLongPoll],
})
export class EventsModule {}
