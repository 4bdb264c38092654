import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import { UnauthenticatedError } from '../common/app.errors';
import { ClientConfig } from './client.config';
import { ClientsRegistry } from './clients.registry';

export interface AuthenticatedRequest extends Request {
  client?: ClientConfig;
}

/** Requires `Authorization: Bearer <apiKey>` of one configured client and attaches that client to the request. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly clients: ClientsRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const client = this.authenticate(request);
    if (!client) throw new UnauthenticatedError('Missing or invalid API key: send Authorization: Bearer <apiKey>');
    request.client = client;
    return true;
  }

  authenticate(request: Request): ClientConfig | undefined {
    return this.clients.authenticate(request.headers.authorization);
  }
}

/** The key of an `Authorization: Bearer` header. Kept for callers not yet on ClientsRegistry.authenticate. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** The client the ApiKeyGuard authenticated. */
export const CurrentClient = createParamDecorator((_: unknown, context: ExecutionContext): ClientConfig => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().client as ClientConfig;
});
