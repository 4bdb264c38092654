import { INestApplication } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import Redis from 'ioredis';
import { AppConfig } from '../config/app.config';
import { QueuesService } from '../metrics/queues.service';
import { REDIS } from '../redis/redis.module';
import { adminAuth } from './admin-auth';
import { DEAD_DELIVERIES_PATH, deadDeliveriesRoute } from './dead-deliveries.route';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * Mounts Bull Board at /admin/queues behind HTTP Basic auth, only when ADMIN_USERNAME and
 * ADMIN_PASSWORD are set; otherwise the path does not exist (404). The dashboard can retry and
 * delete jobs, so it is never open. Beside it, behind the same auth, /admin/deliveries lists the dead
 * webhook deliveries of every client (JSON, read-only).
 */
export function mountQueueDashboard(app: INestApplication): void {
  const admin = app.get(AppConfig).admin;
  if (!admin) return;
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  const queues = app.get(QueuesService).queues();
  // A sharded queue is one queue per shard under one name: each is shown under its shard's prefix.
  const shared = (name: string) => queues.filter((q) => q.name === name).length > 1;
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, shared(queue.name) ? { prefix: `${queue.opts.prefix}:` } : {})),
    serverAdapter,
  });
  const config = app.get(AppConfig);
  const auth = adminAuth(admin, app.get<Redis>(REDIS), config.redis.prefix, config.nodeEnv === 'production');
  app.use(QUEUE_DASHBOARD_PATH, auth, serverAdapter.getRouter());
  app.use(DEAD_DELIVERIES_PATH, auth, deadDeliveriesRoute(app));
}
