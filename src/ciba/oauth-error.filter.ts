import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  AppError,
  StorageNotReplicatedError,
  StorageQuotaExceededError,
  TooManyRequestsError,
  UpstreamBadGatewayError,
  UpstreamUnavailableError,
  UserNotFoundError,
} from '../common/app.errors';
import { isStorageUnavailable } from '../common/storage-unavailable';
import { OAuthError } from './oauth.errors';

/** Shown on a 401 exactly when the request used the Authorization header (RFC 6749 §5.2). */
export const WWW_AUTHENTICATE = 'Basic realm="stepup-orchestrator"';

/**
 * The error answers of /oauth/*: OAuth's JSON shape instead of the service's problem bodies. The
 * shared creation path raises the service's typed errors; they are mapped to their OAuth meaning
 * here. Anything unexpected is a logged server_error with an id, never a stack.
 */
@Catch()
export class OAuthErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(OAuthErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const error = this.toOAuth(exception);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    if (error.retryAfterS !== undefined) response.setHeader('Retry-After', String(error.retryAfterS));
    if (error.status === 401 && request.headers.authorization !== undefined) response.setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
    response
      .status(error.status)
      .type('application/json')
      .send(JSON.stringify({ error: error.error, error_description: error.description, ...error.extra }));
  }

  private toOAuth(exception: unknown): OAuthError {
    if (exception instanceof OAuthError) return exception;
    if (exception instanceof TooManyRequestsError || exception instanceof StorageQuotaExceededError)
      return new OAuthError(429, 'access_denied', exception.message, {}, exception.retryAfterS ?? 1);
    if (exception instanceof UpstreamUnavailableError || exception instanceof UpstreamBadGatewayError)
      return new OAuthError(
        503,
        'temporarily_unavailable',
        'Recognize is unavailable; nothing was created, try again later',
        {},
        exception.retryAfterS,
      );
    // Behind Sentinel or a cluster: stored, but no replica confirmed it, so no auth_req_id is promised.
    if (exception instanceof StorageNotReplicatedError)
      return new OAuthError(503, 'temporarily_unavailable', 'Storage is failing over; try again later', {}, exception.retryAfterS);
    if (isStorageUnavailable(exception)) {
      this.logger.warn(`Storage unavailable: ${(exception as Error).message}`);
      return new OAuthError(503, 'temporarily_unavailable', 'Storage is briefly unavailable; try again later', {}, 1);
    }
    if (exception instanceof UserNotFoundError) return new OAuthError(400, 'unknown_user_id', 'The user is not known');
    if (exception instanceof AppError && exception.status < 500) return new OAuthError(400, 'invalid_request', exception.message);
    if (exception instanceof HttpException && exception.getStatus() < 500)
      return new OAuthError(exception.getStatus() === 404 ? 404 : 400, 'invalid_request', exception.message);
    const errorId = randomUUID();
    this.logger.error({ errorId, err: exception }, `Unhandled error ${errorId}`);
    return new OAuthError(500, 'server_error', `Internal error; quote error id ${errorId}`);
  }
}
