import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { AppConfig } from '../config/app.config';
import { QueuesService } from '../metrics/queues.service';
import { TimeoutError, withTimeout } from '../common/with-timeout';
import type { Worker } from 'bullmq';
import type Redis from 'ioredis';

/** Share of SHUTDOWN_TIMEOUT_MS given to running jobs; the rest is left for closing connections. */
const DRAIN_SHARE = 0.7;

/**
 * The first step of a shutdown (SIGTERM, SIGINT or app.close()), before Nest closes the HTTP
 * server and Redis: stop accepting connections at once, then let running jobs finish, within a
 * bound. A job still running after it is left to BullMQ's stalled-job recovery on another worker.
 * SSE streams are closed by their hub in the same phase, with a `retry:` hint.
 */
@Injectable()
export class GracefulShutdown implements BeforeApplicationShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly queues: QueuesService,
    private readonly config: AppConfig,
  ) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const started = Date.now();
    this.logger.log(`Shutting down${signal ? ` on ${signal}` : ''}: no new connections, finishing running jobs`);
    this.stopAccepting();
    await this.drainWorkers(this.config.runtime.shutdownTimeoutMs * DRAIN_SHARE);
    this.logger.log(`Running jobs finished after ${Date.now() - started} ms`);
  }

  private stopAccepting(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
    // Stops listening now; requests in flight complete. Nest awaits the close later in the shutdown.
    server.close();
    server.closeIdleConnections();
  }

  private async drainWorkers(boundMs: number): Promise<void> {
    const workers = this.queues.workers();
    await withTimeout(Promise.all(workers.map(blockingClientSettled)), RECONNECT_WAIT_MS).catch(() => undefined);
    try {
      await withTimeout(Promise.all(workers.map((w) => w.close())), boundMs);
      return;
    } catch (err) {
      if (!(err instanceof TimeoutError)) throw err;
    }
    // BullMQ keeps the first close under way (a later close(true) returns the same promise), so there is
    // nothing to force here: what still runs is left to stalled-job recovery on another worker, and
    // main.ts ends the process at SHUTDOWN_TIMEOUT_MS should closing the connections hang as well.
    this.logger.warn(`Jobs still running after ${Math.round(boundMs)} ms: leaving them to stalled-job recovery`);
  }
}

/** Longest wait for a worker's blocking connection to finish reconnecting before its close (see below). */
const RECONNECT_WAIT_MS = 3000;

/**
 * Resolves once the worker's blocking connection is not between two reconnection attempts. BullMQ's
 * close interrupts that connection with a disconnect that, on an ioredis client waiting to reconnect
 * (no socket, a retry timer armed), cancels the timer and never emits the 'end' it waits for: close()
 * then hangs forever (the mechanism of taskforcesh/bullmq#4656, still in 5.81.5). With Redis back after
 * an outage the client is ready within one retry delay (at most 2 s, redis.module.ts), so the close is
 * delayed rather than stuck. The connection is not in BullMQ's public API, hence the narrow cast.
 */
async function blockingClientSettled(worker: Worker): Promise<void> {
  const connection = (worker as unknown as { blockingConnection?: { client: Promise<Redis> } }).blockingConnection;
  const client = await connection?.client.catch(() => undefined);
  if (client?.status !== 'reconnecting') return;
  await new Promise<void>((resolve) => client.once('ready', () => resolve()).once('end', () => resolve()));
}
