import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Deepest nesting of objects and arrays a request body may have. A valid approval is two levels
 * deep plus its metadata; deeper input only serves to exhaust the stack of the recursive steps
 * after parsing (validation, class-transformer), which would end in a 500 instead of a 400.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * body-parser `verify` hook: scans the raw bytes before JSON.parse, without recursion, and refuses
 * a body nested deeper than MAX_JSON_DEPTH with a 400 the problem filter passes through.
 */
export function rejectDeepJson(_req: IncomingMessage, _res: ServerResponse, body: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) throw tooDeep();
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
    }
  }
}

function tooDeep(): Error {
  return Object.assign(new Error(`JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`), { status: 400, expose: true });
}
