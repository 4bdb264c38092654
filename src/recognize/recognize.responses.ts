import { AuthType, PendingOperation, RecognizeAuthentication, RecognizeOperation } from './recognize.types';

/**
 * Readers of Recognize's response bodies. Each builds our type field by field, so that nothing we
 * did not ask for (the operation's `apiKey` above all) travels further, and returns undefined when a
 * field we depend on is missing: the client turns that into RecognizeUnavailableError('malformed').
 */
type Json = Record<string, unknown>;

export function readCreated(body: unknown): true | undefined {
  return isObject(body) && body.success === true ? true : undefined;
}

export function readOperation(body: unknown): RecognizeOperation | undefined {
  if (!isObject(body) || typeof body.operationId !== 'string' || typeof body.state !== 'string' || typeof body.result !== 'boolean') {
    return undefined;
  }
  const operation: RecognizeOperation = {
    // Informational fields: a missing one is no reason to lose a decision.
    id: typeof body.id === 'number' ? body.id : 0,
    timestamp: typeof body.timestamp === 'string' ? body.timestamp : '',
    nodeId: typeof body.nodeId === 'string' ? body.nodeId : '',
    userId: typeof body.userId === 'string' ? body.userId : '',
    operationId: body.operationId,
    state: body.state,
    result: body.result,
  };
  copyString(body, operation, 'externalUserId');
  copyString(body, operation, 'operationPayload');
  const authType = readAuthType(body.authType);
  if (authType) operation.authType = authType;
  return operation;
}

export function readPendingOperations(body: unknown): PendingOperation[] | undefined {
  if (!Array.isArray(body) || !body.every((e) => isObject(e) && typeof e.operationId === 'string')) return undefined;
  return (body as Json[]).map((e) => {
    const pending: PendingOperation = { operationId: e.operationId as string };
    copyString(e, pending, 'operationPayload');
    copyString(e, pending, 'externalUserId');
    const authType = readAuthType(e.authType);
    if (authType) pending.authType = authType;
    return pending;
  });
}

/** Flattens the paged telemetry body `{ page, content: [{ userId|externalUserId, authentications: [...] }] }`. */
export function readAuthentications(body: unknown): RecognizeAuthentication[] | undefined {
  if (!isObject(body) || !Array.isArray(body.content)) return undefined;
  const result: RecognizeAuthentication[] = [];
  for (const entry of body.content as unknown[]) {
    if (!isObject(entry) || !Array.isArray(entry.authentications)) return undefined;
    for (const a of entry.authentications as unknown[]) {
      if (!isObject(a) || typeof a.result !== 'string' || typeof a.createdAt !== 'string') return undefined;
      const authentication: RecognizeAuthentication = {
        createdAt: a.createdAt,
        result: a.result,
        errorCode: typeof a.errorCode === 'number' ? a.errorCode : 0,
      };
      copyString(a, authentication, 'operationId');
      copyString(a, authentication, 'deviceId');
      const authType = readAuthType(a.authType);
      if (authType) authentication.authType = authType;
      result.push(authentication);
    }
  }
  return result;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The docs name biom and pin only; another value is dropped rather than passed on unchecked. */
function readAuthType(value: unknown): AuthType | undefined {
  return value === 'biom' || value === 'pin' ? value : undefined;
}

function copyString<T extends object>(from: Json, to: T, field: keyof T & string): void {
  if (typeof from[field] === 'string') (to as Json)[field] = from[field];
}
