import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import pino from 'pino';
import { CENSOR, REDACTED_PATHS } from './log-redaction';
import { currentRequestFields, requestContext } from './request-context';
import { requestLog } from './request-log.middleware';

/** A logger configured as the root one (redaction, mixin) whose lines land in `lines`. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(chunk.toString());
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ redact: { paths: REDACTED_PATHS, censor: CENSOR }, mixin: currentRequestFields }, stream);
  return { logger, lines, raw };
}

function exchange(url: string, headers: Record<string, string> = {}) {
  const res = Object.assign(new EventEmitter(), {
    statusCode: 200,
    headers: {} as Record<string, string>,
    setHeader(name: string, value: string) {
      this.headers[name.toLowerCase()] = value;
    },
  });
  const path = url.split('?')[0];
  const req = Object.assign(new EventEmitter(), {
    headers,
    method: 'GET',
    url,
    originalUrl: url,
    path,
    socket: { remoteAddress: '127.0.0.1' },
  });
  return { req: req as unknown as Request & { client?: { id: string } }, res: res as unknown as Response & typeof res };
}

describe(requestLog.name, () => {
  it('writes one line per request, once, with its id, client, approval and status', () => {
    const { logger, lines } = capturingLogger();
    const { req, res } = exchange('/v1/approvals/ap-1');
    requestLog(logger)(req, res, (() => {
      const fields = requestContext.getStore()!;
      fields.clientId = 'bank-app';
      fields.approvalId = 'ap-1';
      logger.info('inside the request');
    }) as NextFunction);
    res.statusCode = 201;
    res.emit('finish');
    res.emit('close');
    const requestId = res.headers['x-request-id'];
    expect(lines).toEqual([
      expect.objectContaining({ requestId, clientId: 'bank-app', approvalId: 'ap-1', msg: 'inside the request' }),
      expect.objectContaining({
        level: 30,
        requestId,
        clientId: 'bank-app',
        approvalId: 'ap-1',
        req: { id: requestId, method: 'GET', url: '/v1/approvals/ap-1', remoteAddress: '127.0.0.1' },
        res: { statusCode: 201 },
        msg: 'request completed',
      }),
    ]);
  });

  it('keeps a caller request id that looks like one and replaces any other', () => {
    const { logger } = capturingLogger();
    const kept = exchange('/v1/approvals', { 'x-request-id': 'trace-42.a:b' });
    requestLog(logger)(kept.req, kept.res, () => undefined);
    expect(kept.res.headers['x-request-id']).toBe('trace-42.a:b');
    const replaced = exchange('/v1/approvals', { 'x-request-id': 'two words\n' });
    requestLog(logger)(replaced.req, replaced.res, () => undefined);
    expect(replaced.res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names a client that a guard authenticated and then refused (no interceptor ran)', () => {
    const { logger, lines } = capturingLogger();
    const { req, res } = exchange('/v1/approvals');
    requestLog(logger)(req, res, () => (req.client = { id: 'bank-app' }));
    res.statusCode = 429;
    res.emit('finish');
    expect(lines[0]).toMatchObject({ clientId: 'bank-app', res: { statusCode: 429 } });
  });

  it.each([
    [500, 50, 'request failed with 500'],
    [503, 40, 'request failed with 503'],
    [404, 30, 'request completed'],
  ])('logs a %i at level %i', (status, level, msg) => {
    const { logger, lines } = capturingLogger();
    const { req, res } = exchange('/v1/approvals');
    requestLog(logger)(req, res, () => undefined);
    res.statusCode = status;
    res.emit('finish');
    expect(lines[0]).toMatchObject({ level, msg });
  });

  it('redacts the token in the URL and writes each field once, also when the line is written inside another request', () => {
    const { logger, lines, raw } = capturingLogger();
    const { req, res } = exchange('/v1/approvals/ap-1/events?token=secret-token');
    requestLog(logger)(req, res, () => undefined);
    // The response finishes while another request's context is current: that one's fields stay out.
    requestContext.run({ requestId: 'other', approvalId: 'ap-2' }, () => res.emit('close'));
    expect(raw.join('')).not.toContain('secret-token');
    expect(lines[0]).toMatchObject({ req: { url: `/v1/approvals/ap-1/events?token=${CENSOR}` } });
    expect(lines[0]).not.toHaveProperty('approvalId');
    expect(raw[0].match(/"requestId"/g)).toHaveLength(1);
  });

  it('writes no line for probes and scrapes', () => {
    const { logger, lines } = capturingLogger();
    for (const url of ['/health/live', '/health/ready', '/metrics']) {
      const { req, res } = exchange(url);
      requestLog(logger)(req, res, () => undefined);
      res.emit('finish');
    }
    expect(lines).toEqual([]);
  });
});
