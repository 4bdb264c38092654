import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { withTimeout } from '../common/with-timeout';
import { MetricsService } from '../metrics/metrics.service';
import { QueuesService } from '../metrics/queues.service';
import { REDIS } from '../redis/redis.module';

const REDIS_PING_TIMEOUT_MS = 2000;

/** Recognize outcomes that prove it answered us; anything else (timeout, connection, 5xx, 401) means trouble. */
const RECOGNIZE_ANSWERED = new Set(['ok', 'not_found', 'conflict', 'bad_request', 'throttled']);

@Injectable()
export class HealthIndicators {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly queues: QueuesService,
    private readonly metrics: MetricsService,
  ) {}

  async redisReachable(): Promise<HealthIndicatorResult> {
    const check = this.health.check('redis');
    try {
      await withTimeout(this.redis.ping(), REDIS_PING_TIMEOUT_MS);
      return check.up();
    } catch (err) {
      return check.down({ message: `Redis did not answer PING: ${(err as Error).message}` });
    }
  }

  workersRunning(): HealthIndicatorResult {
    const check = this.health.check('workers');
    // A process composed without WorkerModule (ROLE=api) has no processor: other processes run the jobs.
    const workers = this.queues.workers();
    if (workers.length === 0) return check.up({ message: 'this process runs no queue worker' });
    // A sharded queue has a worker per shard under one name: each name is listed once.
    const stopped = [...new Set(workers.filter((w) => !w.isRunning() || w.closing !== undefined).map((w) => w.name))];
    const details = { queues: [...new Set(workers.map((w) => w.name))] };
    return stopped.length ? check.down({ ...details, stopped }) : check.up(details);
  }

  /**
   * Information only, always `up`: a Recognize blip must not take every instance out of the load
   * balancer (polls retry on their own; creations answer 502/503 meanwhile). Read from the last call
   * this instance made, so that probes cost Recognize nothing.
   */
  recognizeReachability(): HealthIndicatorResult {
    const last = this.metrics.lastRecognize;
    const reachable = last ? RECOGNIZE_ANSWERED.has(last.outcome) : 'unknown';
    return this.health.check('recognize').up({
      informational: true,
      reachable,
      ...(last && { lastOutcome: last.outcome, lastCallAt: last.at }),
    });
  }
}
