import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, INestApplication, VERSION_NEUTRAL } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { loadConfig } from '../../src/config/config.loader';
import { BANK_APP, TEST_CLIENTS } from '../helpers/clients';
import { REDIS_URL, deleteKeys } from '../helpers/test-app';

const INTERNAL_DETAIL = 'connection string redis://user:hunter2@db/0 exploded';

/** Stands in for a bug: an error no one translated into an AppError. */
@Controller({ path: 'test-only-bug', version: VERSION_NEUTRAL })
class BugController {
  @Get()
  fail(): never {
    throw new TypeError(INTERNAL_DETAIL);
  }
}

describe('error responses', () => {
  let app: INestApplication;
  let url: string;
  let dir: string;
  const prefix = `t-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stepup-errors-'));
    // No request here reaches Recognize: an address that refuses connections will do.
    const config = loadConfig({
      NODE_ENV: 'test',
      REDIS_URL,
      REDIS_PREFIX: prefix,
      RECOGNIZE_BASE_URL: 'http://127.0.0.1:9/v2',
      RECOGNIZE_API_KEY: 'unused-recognize-key',
      CLIENTS: JSON.stringify(TEST_CLIENTS),
      LOG_DESTINATION: join(dir, 'app.log'),
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)], controllers: [BugController] }).compile();
    app = configureApp(moduleRef.createNestApplication({ bodyParser: false }));
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
    const redis = new Redis(REDIS_URL);
    await deleteKeys(redis, prefix);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns an unexpected error into a 500 problem with an error id, never a stack or the internal message', async () => {
    const response = await fetch(`${url}/test-only-bug`);
    const text = await response.text();
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toEqual({
      type: 'https://stepup-orchestrator.dev/problems/internal_error',
      title: 'Internal server error',
      status: 500,
      detail: expect.stringContaining(body.errorId as string),
      code: 'internal_error',
      errorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(text).not.toContain('TypeError');
    expect(text).not.toContain('hunter2');
    expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);

    // The operator finds the cause in the log under the same id.
    const lines = readFileSync(join(dir, 'app.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const logged = lines.find((l) => l.errorId === body.errorId);
    expect(logged).toMatchObject({ level: 50, err: { type: 'TypeError', message: INTERNAL_DETAIL } });
  });

  interface ProblemRequest {
    method: string;
    path: string;
    body?: string;
    type?: string;
    auth: boolean;
  }

  it.each<[string, ProblemRequest, number, string]>([
    [
      '400 with the fields at fault',
      { method: 'POST', path: '/v1/approvals', body: '{"userId":"not-hex","colour":"red"}', auth: true },
      400,
      'invalid_request',
    ],
    ['400 for malformed JSON', { method: 'POST', path: '/v1/approvals', body: '{"userId":', auth: true }, 400, 'invalid_request'],
    ['401 without a key', { method: 'GET', path: '/v1/approvals/x', auth: false }, 401, 'unauthenticated'],
    ['404 for an unknown approval', { method: 'GET', path: '/v1/approvals/unknown-approval', auth: true }, 404, 'approval_not_found'],
    ['404 for an unknown route', { method: 'GET', path: '/v1/nothing-here', auth: true }, 404, 'not_found'],
    [
      '415 for a body that is not JSON',
      { method: 'POST', path: '/v1/approvals', body: 'userId=AB', type: 'application/x-www-form-urlencoded', auth: true },
      415,
      'unsupported_media_type',
    ],
  ])('answers %s as an RFC 9457 problem with a stable code', async (_case, request, status, code) => {
    const response = await fetch(url + request.path, {
      method: request.method,
      headers: {
        ...(request.auth && { authorization: `Bearer ${BANK_APP.apiKey}` }),
        ...(request.body !== undefined && { 'content-type': request.type ?? 'application/json' }),
      },
      body: request.body,
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({
      type: `https://stepup-orchestrator.dev/problems/${code}`,
      title: expect.any(String),
      status,
      detail: expect.any(String),
      code,
    });
    expect(body).not.toHaveProperty('stack');
    if (_case.includes('fields'))
      expect(body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'userId' }), expect.objectContaining({ field: 'colour' })]),
      );
  });
});
