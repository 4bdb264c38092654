import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { PollReconciler } from '../polling/poll.reconciler';
import { DeliveryReconciler } from '../webhooks/delivery.reconciler';
import { OutcomeReconciler } from '../webhooks/outcome.reconciler';
import { MAINTENANCE_JOBS, MAINTENANCE_QUEUE, MaintenanceJob, RECONCILE_EVERY_MS } from './maintenance.job';

/**
 * Runs the once-a-minute repairs of the maintenance queue (see maintenance.job.ts). Every worker
 * process sets the schedulers up at start: an upsert under a fixed id, so the second process to do
 * so changes nothing, and a Redis that lost them gets them back with the next worker start.
 */
@Processor(MAINTENANCE_QUEUE, { autorun: false })
export class MaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    private readonly polls: PollReconciler,
    private readonly outcomes: OutcomeReconciler,
    private readonly deliveries: DeliveryReconciler,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const name of MAINTENANCE_JOBS) {
      await this.queue.upsertJobScheduler(name, { every: RECONCILE_EVERY_MS }, { name, opts: { removeOnComplete: true, removeOnFail: 100 } });
    }
    this.worker.run().catch((err: Error) => this.worker.emit('error', err));
  }

  /** Returns how many things the repair fixed; each reconciler logs and swallows its own failures. */
  async process(job: Job): Promise<number> {
    const name = job.name as MaintenanceJob;
    switch (name) {
      case 'reconcile-polls':
        return this.polls.reconcile();
      case 'reconcile-outcomes':
        return this.outcomes.reconcile();
      case 'reconcile-deliveries':
        return this.deliveries.reconcile();
    }
  }
}
