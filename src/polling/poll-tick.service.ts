import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { MetricsService } from '../metrics/metrics.service';
import { PollHandler } from './poll.handler';
import { ClaimedPoll, PollWriteBack, PollsStore } from './polls.store';

/** Most approvals one claim takes: bounds the claim script's run time inside Redis. */
const MAX_CLAIM = 500;
/** Most results one write-back script carries, for the same reason. */
const MAX_WRITE_BACK = 500;

/**
 * The work of one tick: claim the due approvals of every shard, poll each once with PollHandler, write the next
 * poll times back. At most `POLL_CONCURRENCY` polls are in flight in this process, whatever the
 * number of ticks running at once; a tick claims no more approvals than it has free slots for, so
 * no claimed approval waits here while its lease runs. Results that arrive in the same turn of the
 * event loop share one write-back script.
 */
@Injectable()
export class PollTickService {
  private readonly logger = new Logger(PollTickService.name);
  private freeSlots: number;
  private slotWaiters: (() => void)[] = [];
  private writes: PollWriteBack[] = [];
  private nextFlush?: Promise<void>;
  private nextFirstShard = 0;

  constructor(
    private readonly store: PollsStore,
    private readonly handler: PollHandler,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {
    this.freeSlots = config.polling.concurrency;
  }

  /**
   * Polls approvals while any are due, so one tick drains a backlog; returns how many it polled.
   * `stopping` is asked before each claim: a shutting-down worker finishes its polls, claims no more.
   */
  async handleTick(stopping: () => boolean = () => false): Promise<number> {
    const running: Promise<void>[] = [];
    const shards = this.store.shards;
    // Each tick starts one shard further, so that no shard is always served first when slots run short.
    const first = this.nextFirstShard++ % shards.length;
    try {
      for (let i = 0; i < shards.length && !stopping(); i++) {
        const shard = shards[(first + i) % shards.length];
        try {
          await this.claimShard(shard, running, stopping);
        } catch (err) {
          // One shard's master failing (a failover under way) must not hold up the other shards: their
          // claims go on, and this one's due approvals wait for a tick after its master is back.
          this.logger.warn(`Claiming due polls of shard ${shard} failed: ${(err as Error).message}`);
        }
      }
    } finally {
      await Promise.all(running);
    }
    return running.length;
  }

  /** Claims one shard's due approvals while any are due and slots are free, starting a poll for each. */
  private async claimShard(shard: number, running: Promise<void>[], stopping: () => boolean): Promise<void> {
    while (!stopping()) {
      const slots = await this.takeSlots(MAX_CLAIM);
      let claimed: ClaimedPoll[] = [];
      try {
        const nowMs = Date.now();
        claimed = await this.store.claim(shard, nowMs, nowMs + this.config.polling.leaseMs, slots);
      } finally {
        this.releaseSlots(slots - claimed.length);
      }
      for (const data of claimed) running.push(this.pollOne(data));
      if (claimed.length < slots) return;
    }
  }

  private async pollOne(data: ClaimedPoll): Promise<void> {
    let writeBack: PollWriteBack;
    try {
      const result = await this.handler.handle(data);
      this.metrics.pollFinished(result.kind === 'done' ? result.status : result.data.failures ? 'retry_after_error' : 'still_pending');
      writeBack =
        result.kind === 'done'
          ? { approvalId: data.approvalId, done: true }
          : { approvalId: data.approvalId, atMs: result.atMs, failures: result.data.failures ?? 0, previousFailures: data.failures ?? 0 };
    } catch (err) {
      // Our own failure (Redis, a bug), not upstream's: try again an interval later, backoff unchanged.
      this.logger.warn(`Poll of ${data.approvalId} failed: ${(err as Error).message}`);
      this.metrics.pollFinished('error');
      writeBack = { approvalId: data.approvalId, atMs: Date.now() + this.config.polling.intervalMs };
    } finally {
      this.releaseSlots(1);
    }
    await this.writeBack(writeBack);
  }

  private writeBack(result: PollWriteBack): Promise<void> {
    this.writes.push(result);
    this.nextFlush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    return this.nextFlush;
  }

  private async flush(): Promise<void> {
    const batch = this.writes;
    this.writes = [];
    this.nextFlush = undefined;
    for (let i = 0; i < batch.length; i += MAX_WRITE_BACK) {
      try {
        await this.store.reschedule(batch.slice(i, i + MAX_WRITE_BACK));
      } catch (err) {
        // The approvals stay leased and come due again when the lease ends: late, not lost.
        this.logger.warn(`Writing back ${Math.min(MAX_WRITE_BACK, batch.length - i)} poll results failed: ${(err as Error).message}`);
      }
    }
  }

  /** Waits for at least one free slot, then takes up to `max`. */
  private async takeSlots(max: number): Promise<number> {
    for (;;) {
      if (this.freeSlots > 0) {
        const taken = Math.min(this.freeSlots, max);
        this.freeSlots -= taken;
        return taken;
      }
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
      // Let the other polls that end in this turn free their slots too: one claim for many slots.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private releaseSlots(count: number): void {
    if (count <= 0) return;
    this.freeSlots += count;
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    for (const wake of waiters) wake();
  }
}
