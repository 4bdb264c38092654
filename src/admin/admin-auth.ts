import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { normalizeIp } from '@nestjs/throttler';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import Redis from 'ioredis';
import { problem } from '../common/problem';

/** Failed admin logins one address may make per window before its next guesses are answered 429. */
export const ADMIN_AUTH_MAX_FAILURES = 10;
const ADMIN_AUTH_WINDOW_MS = 60_000;

/** The cookie that marks a browser in which the admin has signed in before (see AdminDevices). */
export const ADMIN_DEVICE_COOKIE = 'stepup_admin_device';
const DEVICE_COOKIE_MAX_AGE_S = 30 * 24 * 3600;

export interface AdminCredentials {
  username: string;
  password: string;
}

/**
 * HTTP Basic auth for the admin routes, with a lock-out that slows a guesser without locking the admin
 * out. Failed logins are counted per address, in Redis so that every instance counts them together;
 * past ADMIN_AUTH_MAX_FAILURES an address is answered 429 for the rest of the window. A per-address
 * lock alone is a denial of service: anyone sharing the admin's address (a NAT, the load balancer
 * when TRUST_PROXY is unset) could keep the admin out with ten wrong guesses a minute. So a browser in
 * which the admin has signed in carries a device cookie (OWASP's "device cookies"), and its requests are
 * not held by the address's lock; they still need the right credentials.
 */
export function adminAuth(credentials: AdminCredentials, redis: Redis, prefix: string, secureCookie: boolean): RequestHandler {
  const expected = digest(`${credentials.username}:${credentials.password}`);
  const failures = new AdminAuthFailures(redis, `${prefix}:admin:auth-failures`);
  const devices = new AdminDevices(credentials);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const knownDevice = devices.recognises(req);
      // Per address, an IPv6 caller's whole /64 as one (it could otherwise take a fresh address per guess).
      const ip = req.ip ? normalizeIp(req.ip) : 'unknown';
      const lockedFor = knownDevice ? 0 : await failures.lockedFor(ip);
      if (lockedFor > 0) {
        res.setHeader('Retry-After', String(lockedFor));
        sendProblem(res, 429, 'too_many_requests', `Admin: too many failed logins from this address, retry in ${lockedFor} s`);
        return;
      }
      const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
      const given = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
      // Compare digests of equal length in constant time: neither length nor prefix leaks.
      if (match && timingSafeEqual(digest(given), expected)) {
        if (!knownDevice) res.append('Set-Cookie', devices.cookie(secureCookie));
        next();
        return;
      }
      // A browser's first request carries no credentials at all: only a wrong one counts as a failure.
      if (req.headers.authorization !== undefined) await failures.record(ip);
      res.setHeader('WWW-Authenticate', 'Basic realm="queues", charset="UTF-8"');
      sendProblem(res, 401, 'unauthenticated', 'Admin: credentials required');
    } catch (err) {
      next(err);
    }
  };
}

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

/**
 * Device cookies: `<issued-at s>.<nonce>.<HMAC>` under a key derived from the admin credentials, so
 * that every instance recognises them without shared state, and changing the password retires them all.
 * The cookie grants nothing by itself: it only exempts its browser from the address's lock-out.
 */
class AdminDevices {
  private readonly key: Buffer;

  constructor(credentials: AdminCredentials) {
    this.key = createHash('sha256').update(`admin-device-cookie\0${credentials.username}\0${credentials.password}`, 'utf8').digest();
  }

  cookie(secure: boolean): string {
    const body = `${Math.floor(Date.now() / 1000)}.${randomBytes(16).toString('base64url')}`;
    const attributes = [`Max-Age=${DEVICE_COOKIE_MAX_AGE_S}`, 'Path=/admin', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])];
    return [`${ADMIN_DEVICE_COOKIE}=${body}.${this.mac(body)}`, ...attributes].join('; ');
  }

  recognises(req: Request): boolean {
    const value = cookieValue(req.headers.cookie, ADMIN_DEVICE_COOKIE);
    const match = value && /^(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!match) return false;
    const body = `${match[1]}.${match[2]}`;
    const fresh = Number(match[1]) + DEVICE_COOKIE_MAX_AGE_S > Date.now() / 1000;
    return fresh && timingSafeEqual(Buffer.from(match[3]), Buffer.from(this.mac(body)));
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body, 'utf8').digest('base64url');
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
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
