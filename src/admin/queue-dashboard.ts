import { createHash, timingSafeEqual } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { normalizeIp } from '@nestjs/throttler';
import type { NextFunction, Request, Response } from 'express';
import Redis from 'ioredis';
import { problem } from '../common/problem';
import { AppConfig } from '../config/app.config';
import { QueuesService } from '../metrics/queues.service';
import { REDIS } from '../redis/redis.module';
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
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter });
  const failures = new AdminAuthFailures(app.get<Redis>(REDIS), `${app.get(AppConfig).redis.prefix}:admin:auth-failures`);
  app.use(QUEUE_DASHBOARD_PATH, basicAuth(admin.username, admin.password, failures), serverAdapter.getRouter());
  app.use(DEAD_DELIVERIES_PATH, basicAuth(admin.username, admin.password, failures), deadDeliveriesRoute(app));
}

/** Failed admin logins one address may make per window before it is answered 429 until the window ends. */
export const ADMIN_AUTH_MAX_FAILURES = 10;
const ADMIN_AUTH_WINDOW_MS = 60_000;

/**
 * Failed logins per address, in Redis so that every instance counts them together: the password
 * (at least 12 characters) cannot be guessed online at more than 10 tries a minute per address.
 */
class AdminAuthFailures {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Seconds until `ip` may try again, or 0 when it may try now. */
  async lockedFor(ip: string): Promise<number> {
    const key = this.key(ip);
    const count = Number(await this.redis.get(key));
    if (count < ADMIN_AUTH_MAX_FAILURES) return 0;
    return Math.max(1, Math.ceil((await this.redis.pttl(key)) / 1000));
  }

  async record(ip: string): Promise<void> {
    const key = this.key(ip);
    if ((await this.redis.incr(key)) === 1) await this.redis.pexpire(key, ADMIN_AUTH_WINDOW_MS);
  }

  private key(ip: string): string {
    return `${this.prefix}:${ip}`;
  }
}

function basicAuth(username: string, password: string, failures: AdminAuthFailures) {
  const expected = digest(`${username}:${password}`);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      // Per address, an IPv6 caller's whole /64 as one (it could otherwise take a fresh address per guess).
      const ip = req.ip ? normalizeIp(req.ip) : 'unknown';
      const lockedFor = await failures.lockedFor(ip);
      if (lockedFor > 0) {
        res.setHeader('Retry-After', String(lockedFor));
        sendProblem(res, 429, 'too_many_requests', `Queue dashboard: too many failed logins from this address, retry in ${lockedFor} s`);
        return;
      }
      const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
      const given = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
      // Compare digests of equal length in constant time: neither length nor prefix leaks.
      if (match && timingSafeEqual(digest(given), expected)) {
        next();
        return;
      }
      // A browser's first request carries no credentials at all: only a wrong one counts as a failure.
      if (req.headers.authorization !== undefined) await failures.record(ip);
      res.setHeader('WWW-Authenticate', 'Basic realm="queues", charset="UTF-8"');
      sendProblem(res, 401, 'unauthenticated', 'Queue dashboard: admin credentials required');
    } catch (err) {
      next(err);
    }
  };
}

function sendProblem(res: Response, status: number, code: string, detail: string): void {
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify(problem(status, code, detail)));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
