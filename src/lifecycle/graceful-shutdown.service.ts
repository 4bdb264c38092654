import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { AppConfig } from '../config/app.config';
import { QueuesService } from '../metrics/queues.service';

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
    const closed = Promise.all(workers.map((w) => w.close())).then(() => 'closed' as const);
    if ((await withinBound(closed, boundMs)) === 'closed') return;
    this.logger.warn(`Jobs still running after ${Math.round(boundMs)} ms: leaving them to stalled-job recovery`);
    // A forced close still waits for its Redis connections, which hang while they reconnect: bounded too.
    const forced = Promise.all(workers.map((w) => w.close(true).catch(() => undefined))).then(() => 'closed' as const);
    if ((await withinBound(forced, boundMs)) === 'timeout')
      this.logger.warn('Workers did not close: their connections go with the process');
  }
}

async function withinBound(work: Promise<'closed'>, boundMs: number): Promise<'closed' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), boundMs)));
  try {
    return await Promise.race([work, bound]);
  } finally {
    clearTimeout(timer);
  }
}
