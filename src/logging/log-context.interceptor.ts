import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../clients/api-key.guard';

/**
 * Adds the authenticated client and the approval in the path to every log line of the request.
 * Runs after the guards, so the client is known by then.
 */
@Injectable()
export class LogContextInterceptor implements NestInterceptor {
  constructor(private readonly logger: PinoLogger) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const fields: Record<string, string> = {};
    if (request.client) fields.clientId = request.client.id;
    const approvalId = request.params?.id;
    if (typeof approvalId === 'string' && request.path.startsWith('/v1/approvals/')) fields.approvalId = approvalId;
    if (Object.keys(fields).length) this.logger.assign(fields);
    return next.handle();
  }
}
