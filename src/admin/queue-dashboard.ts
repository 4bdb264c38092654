import { createHash, timingSafeEqual } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { NextFunction, Request, Response } from 'express';
import { problem } from '../common/problem';
import { AppConfig } from '../config/app.config';
import { QueuesService } from '../metrics/queues.service';

type BoardAdapter = Parameters<typeof createBullBoard>[0]['serverAdapter'];

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * Mounts Bull Board at /admin/queues behind HTTP Basic auth, only when ADMIN_USERNAME and
 * ADMIN_PASSWORD are set; otherwise the path does not exist (404). The dashboard can retry and
 * delete jobs, so it is never open.
 */
export function mountQueueDashboard(app: INestApplication): void {
  const admin = app.get(AppConfig).admin;
  if (!admin) return;
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  const queues = app.get(QueuesService).queues();
  // @bull-board/express pins its own patch release of @bull-board/api: same shape, distinct declarations.
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter: serverAdapter as unknown as BoardAdapter });
  app.use(QUEUE_DASHBOARD_PATH, basicAuth(admin.username, admin.password), serverAdapter.getRouter());
}

function basicAuth(username: string, password: string) {
  const expected = digest(`${username}:${password}`);
  return (req: Request, res: Response, next: NextFunction): void => {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
    const given = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    // Compare digests of equal length in constant time: neither length nor prefix leaks.
    if (match && timingSafeEqual(digest(given), expected)) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Basic realm="queues", charset="UTF-8"');
    res.status(401).type('application/problem+json').send(
      JSON.stringify(problem(401, 'unauthenticated', 'Queue dashboard: admin credentials required')),
    );
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
