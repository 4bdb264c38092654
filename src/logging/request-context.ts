import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line written while serving a request names: the request, and once known its client and approval. */
export interface RequestLogFields {
  requestId: string;
  clientId?: string;
  approvalId?: string;
}

/**
 * The request being served, carried through its asynchronous work. Log lines take their request
 * fields from here (the logger's mixin) instead of from a child logger per request: a child costs a
 * copy of the level methods and a serialisation of its bindings, several times per request.
 */
export const requestContext = new AsyncLocalStorage<RequestLogFields>();

/** The mixin of the root logger: a copy, since pino merges the line's own fields into what it gets. */
export function currentRequestFields(): Partial<RequestLogFields> {
  const fields = requestContext.getStore();
  return fields ? { ...fields } : {};
}
