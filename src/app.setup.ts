import type { Server } from 'node:http';
import { INestApplication, VersioningType } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { json, NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { opsAccess } from './admin/ops-access';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { rejectDeepJson } from './common/json-depth';
import { rejectInexactJson } from './common/json-exact';
import { ProblemFilter } from './common/problem.filter';
import { UnsupportedMediaTypeError } from './common/app.errors';
import { validationPipe } from './common/validation.pipe';
import { mountOpenApi } from './docs/openapi';
import { AppConfig } from './config/app.config';
import { oauthBody } from './ciba/oauth-form';
import { ROOT_LOGGER } from './logging/logging.module';
import { requestLog } from './logging/request-log.middleware';

/** Largest request body accepted; the biggest valid approval request is well under it. */
export const BODY_LIMIT = '64kb';

/** Everything main.ts and the e2e tests share, so that tests run the app users run. */
export function configureApp(app: INestApplication): INestApplication {
  app.useLogger(app.get(Logger));
  const express = app as NestExpressApplication;
  express.use(requestLog(app.get(ROOT_LOGGER)));
  express.disable('x-powered-by');
  express.use(noSniff);
  // req.ip (the key of per-address limits) is the socket's address unless TRUST_PROXY names the proxies.
  express.set('trust proxy', app.get(AppConfig).http.trustProxy);
  hardenServer(app);
  express.use(noStoreOnApi);
  express.use(opsAccess(app.get(AppConfig).opsToken));
  enableCors(app);
  // OAuth's endpoints take forms, and answer OAuth errors: their own reader, ahead of the JSON rules.
  express.use('/oauth', oauthBody());
  express.use(requireJsonBody);
  express.use(json({ limit: BODY_LIMIT, verify: checkJsonBody }));
  app.enableVersioning({ type: VersioningType.URI });
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ProblemFilter());
  mountOpenApi(app);
  mountQueueDashboard(app);
  // process.exit(0) once every hook has run: a clean SIGTERM ends with code 0, not by the signal.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  return app;
}

/**
 * Bounds on what one socket may hold: the time to send headers and a whole request (slow senders),
 * and the number of sockets. Node applies requestTimeout to receiving the request only, so an SSE
 * response, whose request was complete long ago, is not cut by it.
 */
function hardenServer(app: INestApplication): void {
  const { maxConnections, headersTimeoutMs, requestTimeoutMs } = app.get(AppConfig).http;
  const server = app.getHttpServer() as Server;
  if (maxConnections > 0) server.maxConnections = maxConnections;
  server.headersTimeout = headersTimeoutMs;
  server.requestTimeout = requestTimeoutMs;
}

/**
 * CORS for the configured frontend origins (CORS_ORIGINS), so that a page on another origin can open
 * eventsUrl with EventSource. No credentials: the token in the URL is the browser's only authority.
 */
function enableCors(app: INestApplication): void {
  const origins = app.get(AppConfig).sse.corsOrigins;
  if (!origins.length) return;
  app.enableCors({
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'],
    credentials: false,
    maxAge: 600,
  });
}

/**
 * Every answer, errors and the dashboard's included: a browser never guesses a type other than the one
 * sent (a JSON body read as HTML or script would run what a caller put in it).
 */
function noSniff(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}

/** Answers on /v1 carry PII and eventsUrl tokens: no browser, proxy or CDN may keep a copy. */
function noStoreOnApi(req: Request, res: Response, next: NextFunction): void {
  if (/^\/v1(\/|$)/i.test(req.path)) res.setHeader('Cache-Control', 'no-store');
  next();
}

/** The depth bound first: it keeps the scan for repeated names and inexact numbers shallow. */
function checkJsonBody(req: Request, res: Response, body: Buffer, encoding: string): void {
  rejectDeepJson(req, res, body);
  rejectInexactJson(req, res, body, encoding);
}

/** A request that carries a body must say it is JSON: anything else is a 415, before any parsing. */
function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  const writes = req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH';
  const mustBeJson = writes && (hasBody || req.path === '/v1/approvals') && !req.path.startsWith('/oauth/');
  if (mustBeJson && !req.is('application/json')) {
    next(new UnsupportedMediaTypeError('Request body must be application/json'));
    return;
  }
  next();
}
