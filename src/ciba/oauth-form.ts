import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { text } from 'express';
import { invalidRequest } from './oauth.errors';

/** Largest form accepted at /oauth/*: a request with a full payment and an assertion is well under it. */
const FORM_LIMIT = '64kb';

interface OAuthRequest extends Request {
  oauthBodyRefused?: boolean;
}

/**
 * The /oauth/* body reader, mounted before the JSON parser (app.setup.ts): the raw text of any body,
 * parsed later as a form by the route. It never answers itself, so that a body it cannot read (too
 * large, unknown charset) still gets OAuth's error shape from the route, not a problem body.
 */
export function oauthBody(): RequestHandler {
  const read = text({ type: () => true, limit: FORM_LIMIT });
  return (req: Request, res: Response, next: NextFunction) =>
    read(req, res, (err?: unknown) => {
      if (err) (req as OAuthRequest).oauthBodyRefused = true;
      next();
    });
}

/**
 * The request's form parameters. Not form-encoded, unreadable, or a parameter given twice (RFC 6749
 * §3.1: "Request and response parameters MUST NOT be included more than once"): invalid_request.
 */
export function formOf(req: Request): Map<string, string> {
  if ((req as OAuthRequest).oauthBodyRefused) throw invalidRequest('The body could not be read (too large or an unsupported charset)');
  if (!req.is('application/x-www-form-urlencoded')) throw invalidRequest('The body must be application/x-www-form-urlencoded');
  const body = typeof req.body === 'string' ? req.body : '';
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (params.has(name)) throw invalidRequest(`Parameter ${name} is given more than once`);
    params.set(name, value);
  }
  return params;
}
