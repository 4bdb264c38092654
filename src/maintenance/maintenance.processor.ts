import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { PollReconciler } from '../polling/poll.reconciler';
import { DeliveryReconciler } from '../webhooks/delivery.reconciler';
import { DecisionOutboxReconciler } from '../webhooks/decision-outbox.reconciler';
import { ApprovalIndexReconciler } from '../approvals/approval-index.reconciler';
import { MAINTENANCE_JOBS, MAINTENANCE_QUEUE, MaintenanceJob, RECONCILE_EVERY_MS } from './maintenance.job';

/**
 * Runs the once-a-minute repairs of the maintenance queue (see maintenance.job.ts). Each worker
 * process makes sure the schedulers exist, at start and then every period: a lookup per scheduler,
 * and an upsert under its fixed id only when Redis lost it, so the repairs themselves still run once
 * per period for the cluster. Not awaited at start: a process that boots while Redis is down waits
 * for it in the background, as the workers do.
 */
@Processor(MAINTENANCE_QUEUE, { autorun: false })
export class MaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceProcessor.name);
  private watch?: NodeJS.Timeout;

  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    private readonly polls: PollReconciler,
    private readonly decisionOutbox: DecisionOutboxReconciler,
    private readonly deliveries: DeliveryReconciler,
    private readonly approvalIndexes: ApprovalIndexReconciler,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.run().catch((err: Error) => this.worker.emit('error', err));
    void this.ensureScheduled();
    this.watch = setInterval(() => void this.ensureScheduled(), RECONCILE_EVERY_MS);
    this.watch.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.watch);
  }

  /** Returns how many things the repair fixed; each reconciler logs and swallows its own failures. */
  async process(job: Job): Promise<number> {
    const name = job.name as MaintenanceJob;
    switch (name) {
      case 'reconcile-polls':
        return this.polls.reconcile();
      // The scheduler keeps its historical id: it sweeps the decision outbox.
      case 'reconcile-outcomes':
        return this.decisionOutbox.reconcile();
      case 'reconcile-deliveries':
        return this.deliveries.reconcile();
      case 'reconcile-approval-indexes':
        return this.approvalIndexes.reconcile();
    }
  }

  private async ensureScheduled(): Promise<void> {
    try {
      for (const name of MAINTENANCE_JOBS) {
        if (await this.queue.getJobScheduler(name)) continue;
        await this.queue.upsertJobScheduler(
          name,
          { every: RECONCILE_EVERY_MS },
          { name, opts: { removeOnComplete: true, removeOnFail: 100 } },
        );
      }
    } catch (err) {
      this.logger.warn(`Setting up the maintenance schedulers failed, will retry: ${(err as Error).message}`);
    }
  }
}
