import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { ApprovalRecord } from '../approvals/approval';
import { ApprovalEventsEmitter } from '../approvals/approval-events.emitter';
import { ClientsRegistry } from '../clients/clients.registry';
import { AppConfig } from '../config/app.config';
import { KEEP_FINISHED_JOBS } from '../webhooks/delivery.job';
import { CibaRequestsStore } from './ciba-requests.store';
import { CIBA_PING_QUEUE, PingJobData, pingJobId } from './ping.job';

/**
 * Schedules the one ping of a ping client's CIBA request when its approval reaches any terminal
 * status. It listens to `approval.decided`, so the decision outbox's sweep announces again what a
 * crash cut off; the job id and the ping record (deleted once the ping is done) keep it to one ping.
 */
@Injectable()
export class PingProducer implements OnModuleInit {
  constructor(
    @InjectQueue(CIBA_PING_QUEUE) private readonly queue: Queue<PingJobData>,
    private readonly requests: CibaRequestsStore,
    private readonly clients: ClientsRegistry,
    private readonly announcements: ApprovalEventsEmitter,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // Only clients that ping can owe one: the others' decisions cost no lookup.
    if (!this.config.clients.some((c) => c.ciba?.deliveryMode === 'ping')) return;
    this.announcements.on('approval.decided', ({ record }) => this.scheduleFor(record));
  }

  async scheduleFor(record: ApprovalRecord): Promise<void> {
    if (this.clients.findById(record.clientId)?.ciba?.deliveryMode !== 'ping') return;
    if (!(await this.requests.hasPing(record.id))) return;
    await this.queue.add(
      'ping',
      { approvalId: record.id, attempt: 0, deadlineMs: Date.now() + this.config.webhooks.retryHorizonS * 1000 },
      {
        jobId: pingJobId(record.id),
        removeOnComplete: { count: KEEP_FINISHED_JOBS },
        removeOnFail: { count: KEEP_FINISHED_JOBS },
        // Only for unexpected errors (Redis down mid-run); receiver failures are retried by the handler.
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
      },
    );
  }
}
