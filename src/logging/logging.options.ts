import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino from 'pino';
import type { Options } from 'pino-http';
import type { AuthenticatedRequest } from '../clients/api-key.guard';
import { AppConfig } from '../config/app.config';
import { CENSOR, REDACTED_PATHS, redactUrl } from './log-redaction';

/** A caller-supplied request id is kept when it looks like one; anything else is replaced. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Probes and scrapes every few seconds would drown the request log. */
const QUIET_PATHS = ['/health/live', '/health/ready', '/metrics'];

/** Nest's start-up chatter (a line per module, controller and route): debug, not info. */
const INFO = 30;
const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

function tidyLogCall(this: pino.Logger, args: Parameters<pino.LogFn>, method: pino.LogFn, level: number): void {
  const [first] = args;
  if (first && typeof first === 'object' && !(first instanceof Error)) {
    const context = (first as { context?: unknown }).context;
    if (level === INFO && typeof context === 'string' && BOOT_CONTEXTS.has(context)) return this.debug(...(args as [object, string]));
    const bound = this.bindings();
    const fields = first as Record<string, unknown>;
    if (Object.keys(fields).some((k) => k in bound)) {
      args[0] = Object.fromEntries(Object.entries(fields).filter(([k]) => !(k in bound)));
    }
  }
  return method.apply(this, args);
}

/** nestjs-pino's options: JSON lines, one per request plus the application's own, secrets redacted. */
export function loggingOptions(config: AppConfig): Params {
  const options: Options = {
    level: config.logging.level,
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Application logs during a request carry only `requestId`; the one line per request carries the rest.
    // The renamed reqId is that one `requestId`: customProps must not add it again (duplicate JSON keys).
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    customProps: (req: IncomingMessage) => {
      const client = (req as AuthenticatedRequest).client;
      return client ? { clientId: client.id } : {};
    },
    // A field already bound to the request's logger (clientId, approvalId by LogContextInterceptor) and
    // also given in a log call would appear twice in the line: the call's copy is dropped.
    hooks: { logMethod: tidyLogCall },
    // (the same hook moves Nest's boot lines to debug: about 45 lines at every start otherwise)
    // A 500 is our bug (ProblemFilter logs it with its error id); 502/503 are Recognize's trouble, already logged where seen.
    customLogLevel: (_req, res, err) => (err || res.statusCode === 500 ? 'error' : res.statusCode > 500 ? 'warn' : 'info'),
    customErrorMessage: (_req, res) => `request failed with ${res.statusCode}`,
    // pino-http invents an Error (with its own stack) for every 5xx: the status says it all.
    customErrorObject: (_req, _res, _err, value: { res: unknown; responseTime: number }) => ({
      res: value.res,
      responseTime: value.responseTime,
    }),
    autoLogging: { ignore: (req) => QUIET_PATHS.includes((req.url ?? '').split('?')[0]) },
    serializers: {
      // Only what helps to trace a request: no headers (they carry the API key), no token in the URL.
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    ...(config.logging.pretty && { transport: { target: 'pino-pretty', options: { singleLine: true } } }),
  };
  // Pretty output needs pino-pretty (a devDependency): only when asked for. A file destination is written synchronously.
  // assignResponse: the fields LogContextInterceptor assigns (client, approval) also reach the request's summary line.
  if (config.logging.pretty) return { pinoHttp: options, assignResponse: true };
  const destination = config.logging.destination
    ? pino.destination({ dest: config.logging.destination, sync: true, mkdir: true })
    : pino.destination(1);
  return { pinoHttp: [options, destination], assignResponse: true };
}
