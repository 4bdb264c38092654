import { EventEmitter } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import type { AppConfig } from '../src/config/app.config';
import { CENSOR, REDACTED_PATHS } from '../src/logging/log-redaction';
import { requestContext } from '../src/logging/request-context';
import { requestLog } from '../src/logging/request-log.middleware';
import { createRootLogger } from '../src/logging/root-logger';

/**
 * Service CPU per request spent on the request log: an id, the request's log context, the client and
 * approval added once known, and the one line written when the response finishes (to /dev/null,
 * synchronously, as the service writes). Two ways, run in turn `--rounds` times:
 * - the service's request log middleware (fields in an AsyncLocalStorage, read by the logger's mixin);
 * - pino-http as nestjs-pino mounts it, a child logger per request and per added field.
 * No HTTP: requests and responses are event emitters carrying what the middlewares read.
 *
 *   npx tsc -p tsconfig.bench.json && node dist-bench/bench/request-log.bench.js --requests=100000 --rounds=3
 */
type Middleware = (req: Request, res: Response, next: NextFunction) => void;
interface Variant {
  name: string;
  middleware: Middleware;
  /** What LogContextInterceptor does once the guards have run. */
  addClient(req: Request): void;
}

const config = { logging: { level: 'info', pretty: false, destination: '/dev/null' } } as AppConfig;

function serviceVariant(): Variant {
  return {
    name: 'request log middleware (AsyncLocalStorage + mixin)',
    middleware: requestLog(createRootLogger(config)),
    addClient: () => {
      const fields = requestContext.getStore()!;
      fields.clientId = 'bench-app';
      fields.approvalId = 'bench-approval';
    },
  };
}

function childLoggerVariant(): Variant {
  const destination = pino.destination({ dest: '/dev/null', sync: true });
  const middleware = pinoHttp(
    {
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
      customProps: (req) => ((req as Request & { client?: { id: string } }).client ? { clientId: 'bench-app' } : {}),
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    destination,
  );
  return {
    name: 'pino-http, a child logger per request and per field',
    middleware: middleware as unknown as Middleware,
    // nestjs-pino's PinoLogger.assign: a child of the request's logger, and the same bindings on the response's.
    addClient: (req) => {
      const log = (req as Request & { log: pino.Logger }).log;
      (req as Request & { log: pino.Logger }).log = log.child({ clientId: 'bench-app', approvalId: 'bench-approval' });
      ((req.res as Response & { log: pino.Logger }).log ?? log).setBindings({ clientId: 'bench-app', approvalId: 'bench-approval' });
    },
  };
}

function oneRequest(variant: Variant): void {
  const res = Object.assign(new EventEmitter(), { statusCode: 201, setHeader: () => undefined }) as unknown as Response;
  const req = Object.assign(new EventEmitter(), {
    headers: { authorization: 'Bearer not-a-real-key', 'content-type': 'application/json' },
    method: 'POST',
    url: '/v1/approvals',
    originalUrl: '/v1/approvals',
    path: '/v1/approvals',
    socket: { remoteAddress: '127.0.0.1' },
    res,
  }) as unknown as Request;
  variant.middleware(req, res, () => {
    (req as Request & { client: { id: string } }).client = { id: 'bench-app' };
    variant.addClient(req);
  });
  res.emit('finish');
}

function main(): void {
  const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
  const requests = Number(args.get('requests') ?? 100_000);
  const rounds = Number(args.get('rounds') ?? 3);
  for (let round = 1; round <= rounds; round += 1) {
    for (const variant of [serviceVariant(), childLoggerVariant()]) {
      for (let i = 0; i < 10_000; i += 1) oneRequest(variant); // warm-up: JIT
      const cpu = process.cpuUsage();
      for (let i = 0; i < requests; i += 1) oneRequest(variant);
      const used = process.cpuUsage(cpu);
      process.stdout.write(
        `round ${round}  ${variant.name.padEnd(52)} ${((used.user + used.system) / requests).toFixed(1)} µs CPU per request\n`,
      );
    }
  }
}

main();
