import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { AuthenticatedRequest } from '../clients/api-key.guard';
import { redactUrl } from './log-redaction';
import { RequestLogFields, requestContext } from './request-context';

/** A caller-supplied request id is kept when it looks like one; anything else is replaced. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Probes and scrapes every few seconds would drown the request log. */
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Gives every request an id (echoed as X-Request-Id), runs the rest of its handling inside that
 * request's log context, and writes one line when the response is done: the request, its client and
 * approval, the status and the time taken. Mounted first, so that requests refused early are logged too.
 */
export function requestLog(logger: Logger) {
  return function logRequest(req: Request, res: Response, next: NextFunction): void {
    const given = req.headers['x-request-id'];
    const fields: RequestLogFields = { requestId: typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID() };
    res.setHeader('X-Request-Id', fields.requestId);
    if (!QUIET_PATHS.has(req.path)) {
      const startedAt = performance.now();
      let written = false;
      const writeLine = () => {
        if (written) return;
        written = true;
        writeRequestLine(logger, req, res, fields, Math.round(performance.now() - startedAt));
      };
      // 'finish' when the response was sent, 'close' when the connection went first (an SSE stream ends so).
      res.once('finish', writeLine).once('close', writeLine);
    }
    requestContext.run(fields, next);
  };
}

function writeRequestLine(logger: Logger, req: Request, res: Response, fields: RequestLogFields, responseTime: number): void {
  // A guard that refused the request after authenticating it (a rate limit) never reached the interceptor.
  const clientId = fields.clientId ?? (req as AuthenticatedRequest).client?.id;
  const line = {
    ...fields,
    ...(clientId && { clientId }),
    req: { id: fields.requestId, method: req.method, url: redactUrl(req.originalUrl), remoteAddress: req.socket.remoteAddress },
    res: { statusCode: res.statusCode },
    responseTime,
  };
  const status = res.statusCode;
  // A 500 is our bug (ProblemFilter logs it with its error id); 502/503 are Recognize's trouble, already logged where seen.
  const level = status === 500 ? 'error' : status > 500 ? 'warn' : 'info';
  // Outside any request's context, so that the mixin adds nothing to the fields given here.
  requestContext.exit(() => logger[level](line, status >= 500 ? `request failed with ${status}` : 'request completed'));
}
