import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '../config/app.config';
import { POLL_QUEUE, PollJobData, pollJobId } from './poll.job';

@Injectable()
export class PollProducer {
  private readonly logger = new Logger(PollProducer.name);

  constructor(@InjectQueue(POLL_QUEUE) private readonly queue: Queue<PollJobData>, private readonly config: AppConfig) {}

  /**
   * Starts following an approval. The job id is derived from the approval id, so scheduling twice
   * (a retried request, the reconciler) keeps a single job: never two polls of one operation.
   */
  async follow(approvalIds: string[]): Promise<void> {
    await this.queue.addBulk(
      approvalIds.map((approvalId) => ({
        name: 'poll',
        data: { approvalId },
        opts: {
          jobId: pollJobId(approvalId),
          delay: this.config.polling.intervalMs,
          removeOnComplete: true,
          removeOnFail: { age: 7 * 86_400 },
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
        },
      })),
    );
  }

  /**
   * Sends failed poll jobs of approvals that are still pending back to work. A poll job fails only
   * after repeated crashes or errors, and a failed job keeps its id, so `follow` alone would never
   * poll that approval again: it would stay pending past its deadline.
   */
  async retryFailed(isPending: (approvalId: string) => Promise<boolean>): Promise<number> {
    let retried = 0;
    for (const job of await this.queue.getFailed(0, 999)) {
      if (!job || !(await isPending(job.data.approvalId))) continue;
      await job.retry('failed');
      retried += 1;
    }
    return retried;
  }

  /** Stops polling now; a job that is running right now ends on its own when it sees the terminal record. */
  async stop(approvalId: string): Promise<void> {
    try {
      await this.queue.remove(pollJobId(approvalId));
    } catch (err) {
      this.logger.debug(`Poll job of ${approvalId} is running; it stops by itself: ${(err as Error).message}`);
    }
  }
}
