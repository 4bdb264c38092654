import { SimulatorRoute } from './simulator.faults';
import { SimulatedOperation } from './simulator.store';

/** The real API hands back the customer's SDK key in every operation; ours is fake so clients can prove they drop it. */
export const SIMULATED_CUSTOMER_API_KEY = 'CustomerApiKey123';

export interface UpstreamMatch {
  route: SimulatorRoute;
  userId?: string;
  externalUserId?: string;
  operationId?: string;
}

export function matchUpstream(method: string | undefined, s: string[]): UpstreamMatch | undefined {
  if (method === 'POST' && s.length === 3 && s[0] === 'users' && s[2] === 'operations') return { route: 'create', userId: s[1] };
  if (method !== 'GET') return undefined;
  if (s.length === 4 && s[0] === 'users' && s[2] === 'operations' && s[3] === 'pending') return { route: 'pending', userId: s[1] };
  if (s.length === 2 && s[0] === 'operations') return { route: 'get', operationId: s[1] };
  if (s.length === 3 && s[0] === 'users' && s[2] === 'authentications') return { route: 'authentications', userId: s[1] };
  if (s.length === 3 && s[0] === 'external-users' && s[2] === 'authentications') {
    return { route: 'authentications', externalUserId: s[1] };
  }
  return undefined;
}

/** Faults may target an operation by id before the body is validated; a bad body simply matches no such fault. */
export function peekOperationId(rawBody: string): string | undefined {
  try {
    const id = (JSON.parse(rawBody) as { operationId?: unknown })?.operationId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((part) => {
    const type = part.split(';')[0].trim().toLowerCase();
    return type === '*/*' || type === 'application/*' || type === 'application/json' || type.endsWith('+json');
  });
}

export function upstreamView(o: SimulatedOperation): object {
  return {
    id: o.id,
    timestamp: o.timestamp,
    nodeId: o.nodeId,
    userId: o.userId,
    apiKey: SIMULATED_CUSTOMER_API_KEY,
    operationId: o.operationId,
    ...(o.operationPayload !== undefined ? { operationPayload: o.operationPayload } : {}),
    ...(o.externalUserId !== undefined ? { externalUserId: o.externalUserId } : {}),
    state: o.state,
    result: o.result,
    ...(o.authType ? { authType: o.authType } : {}),
  };
}

export function pendingView(o: SimulatedOperation): object {
  return {
    operationId: o.operationId,
    ...(o.operationPayload !== undefined ? { operationPayload: o.operationPayload } : {}),
    ...(o.externalUserId !== undefined ? { externalUserId: o.externalUserId } : {}),
  };
}
