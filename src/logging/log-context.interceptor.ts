import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../clients/api-key.guard';
import { requestContext } from './request-context';

/**
 * Adds the authenticated client and the approval in the path to every log line of the request.
 * Runs after the guards, so the client is known by then.
 */
@Injectable()
export class LogContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const fields = context.getType() === 'http' ? requestContext.getStore() : undefined;
    if (!fields) return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (request.client) fields.clientId = request.client.id;
    const approvalId = request.params?.id;
    if (typeof approvalId === 'string' && request.path.startsWith('/v1/approvals/')) fields.approvalId = approvalId;
    return next.handle();
  }
}
