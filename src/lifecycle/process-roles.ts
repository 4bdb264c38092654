import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../common/app.errors';
import { HttpStatus } from '@nestjs/common';
import { AppConfig } from '../config/app.config';

/** Routes a ROLE=worker process still serves: probes and metrics of its queues. */
const WORKER_ROUTES = /^\/(health|metrics)(\/|$)/;

class NotServedHereError extends AppError {
  readonly status = HttpStatus.NOT_FOUND;
  readonly code = 'not_found';
}

/**
 * A ROLE=worker process answers 404 for everything but health and metrics, so that a load balancer
 * mistakenly pointed at it cannot create approvals there. Unused in the other roles.
 */
export function workerOnlyRoutes(config: AppConfig) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (config.runtime.servesApi || WORKER_ROUTES.test(req.path)) {
      next();
      return;
    }
    next(new NotServedHereError(`${req.path} is not served by a ROLE=worker process`));
  };
}

/** Arms a hard stop: a shutdown that hangs past SHUTDOWN_TIMEOUT_MS ends the process with code 1. */
export function exitAfterShutdownTimeout(timeoutMs: number): void {
  const arm = (signal: NodeJS.Signals) => {
    const timer = setTimeout(() => {
      process.stderr.write(`Shutdown on ${signal} took longer than SHUTDOWN_TIMEOUT_MS=${timeoutMs}: exiting now\n`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
