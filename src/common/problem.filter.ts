import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AppError, InvalidRequestError, StorageUnavailableError } from './app.errors';
import { Problem, genericCode, problem } from './problem';
import { isStorageUnavailable } from './storage-unavailable';

/** The one global filter: typed errors and HttpExceptions pass through as problems; Redis not answering is a 503; anything else is a logged 500. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(thrown: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const exception = this.storageUnavailable(thrown) ?? thrown;
    const problem = this.toProblem(exception);
    if (response.headersSent) {
      // An SSE stream already started: nothing can be said in HTTP any more; close it.
      response.end();
      return;
    }
    if (exception instanceof AppError && exception.retryAfterS !== undefined) {
      response.setHeader('Retry-After', String(exception.retryAfterS));
    }
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  toProblem(exception: unknown): Problem {
    if (exception instanceof AppError) {
      const errors = exception instanceof InvalidRequestError && exception.errors.length ? exception.errors : undefined;
      return problem(exception.status, exception.code, exception.message, errors);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = genericCode(status);
      return problem(status, code, detailOf(exception));
    }
    const clientError = asClientError(exception);
    if (clientError) return problem(clientError.status, genericCode(clientError.status), clientError.message);
    const errorId = randomUUID();
    this.logger.error({ errorId, err: exception }, `Unhandled error ${errorId}`);
    return { ...problem(HttpStatus.INTERNAL_SERVER_ERROR, 'internal_error', `Internal error; quote error id ${errorId}`), errorId };
  }

  /** Redis not answering is an outage the caller waits out (503, Retry-After), not a fault to quote an error id for. */
  private storageUnavailable(exception: unknown): StorageUnavailableError | undefined {
    if (!isStorageUnavailable(exception)) return undefined;
    this.logger.warn(`Storage unavailable: ${(exception as Error).message}`);
    return new StorageUnavailableError();
  }
}

/**
 * body-parser and other http-errors raise plain errors that carry a 4xx `status` and `expose: true`
 * (413 too large, 400 malformed JSON, 415 charset): their messages are written for callers.
 */
function asClientError(exception: unknown): { status: number; message: string } | undefined {
  const e = exception as { status?: unknown; expose?: unknown; message?: unknown } | null;
  if (!e || typeof e.status !== 'number' || e.status < 400 || e.status >= 500 || e.expose !== true) return undefined;
  return { status: e.status, message: typeof e.message === 'string' ? e.message : 'Bad request' };
}

function detailOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}
