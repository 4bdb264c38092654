import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Routes that reveal how the service is used or built: per-client volumes, the API's whole surface. */
const PROTECTED = /^\/(metrics|docs|docs-json|docs-yaml)(\/.*)?$/;
const READINESS = '/health/ready';

/**
 * With OPS_TOKEN set, /metrics and /docs(-json, -yaml, assets) need `Authorization: Bearer <OPS_TOKEN>`
 * (401 otherwise), and /health/ready answers a caller without it only its status: a load balancer's
 * probe still works, Recognize's reachability and the worker details stay for operators. Unset: all open.
 */
export function opsAccess(opsToken: string | undefined): RequestHandler {
  if (!opsToken) return (_req, _res, next) => next();
  const expected = digest(opsToken);
  return (req: Request, res: Response, next: NextFunction): void => {
    // Express routes case-insensitively and tolerates repeated slashes: compare what the router will match.
    const path = req.path
      .toLowerCase()
      .replace(/\/{2,}/g, '/')
      .replace(/(.)\/$/, '$1');
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    const authorized = presented !== undefined && timingSafeEqual(digest(presented), expected);
    if (authorized) return next();
    if (PROTECTED.test(path)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="operations"');
      res
        .status(401)
        .type('application/problem+json')
        .send(
          JSON.stringify({
            type: 'https://stepup-orchestrator.dev/problems/unauthenticated',
            title: 'Unauthorized',
            status: 401,
            detail: 'Operations endpoint: send Authorization: Bearer <OPS_TOKEN>',
            code: 'unauthenticated',
          }),
        );
      return;
    }
    if (path === READINESS) {
      const json = res.json.bind(res);
      res.json = (body: { status?: unknown } | undefined) => json({ status: body?.status });
    }
    next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
