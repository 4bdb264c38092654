import { execFile } from 'node:child_process';
import { BANK_APP } from '../helpers/clients';
import { startCibaApp } from '../helpers/ciba';
import { TestApp, newUserId } from '../helpers/test-app';

/**
 * Validates an OpenAPI document with @apidevtools/swagger-parser in a plain Node process: the
 * library's ESM dependencies load under Node's require but not under Jest's module runtime.
 */
function validateOpenApi(document: unknown): Promise<string> {
  const script = `let s='';process.stdin.on('data',c=>s+=c).on('end',()=>require('@apidevtools/swagger-parser').validate(JSON.parse(s)).then(()=>console.log('valid'),e=>{console.log(e.message);process.exitCode=1}))`;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['-e', script], { cwd: process.cwd() }, (_err, stdout) => resolve(stdout.trim()));
    child.stdin!.end(JSON.stringify(document));
  });
}

/** An OpenAPI document, walked dynamically by the checks below. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document read by path, not a typed model
type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, any>>; components: Record<string, Record<string, any>> };

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every /v1 route the running app's Express router serves, as "METHOD /openapi/{path}". */
function routerRoutes(t: TestApp): string[] {
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } };
  return express.router.stack
    .filter((layer) => layer.route?.path.startsWith('/v1/'))
    .flatMap((layer) =>
      Object.keys(layer.route!.methods)
        .filter((method) => method !== '_all')
        .map((method) => `${method.toUpperCase()} ${layer.route!.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
    );
}

describe('operations endpoints', () => {
  let t: TestApp;

  beforeAll(async () => {
    // CIBA on, so that the document checked here holds /oauth/* and discovery too.
    t = await startCibaApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers liveness with 200', async () => {
    const response = await fetch(`${t.url}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('is ready when Redis answers and the queue workers run, and reports Recognize as information', async () => {
    const response = await fetch(`${t.url}/health/ready`);
    const body = (await response.json()) as { info: Record<string, Record<string, unknown>> };
    expect(response.status).toBe(200);
    expect(body.info.redis.status).toBe('up');
    expect(body.info.workers.status).toBe('up');
    expect(body.info.workers.queues).toContain('poll');
    expect(body.info.recognize).toMatchObject({ status: 'up', informational: true });
  });

  it('serves Prometheus text with the service metrics and the default process metrics', async () => {
    const created = await t.api(BANK_APP.apiKey).create({ userId: newUserId() });
    expect(created.status).toBe(201);
    const response = await fetch(`${t.url}/metrics`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toMatch(/^stepup_approvals_created_total\{client="bank-app"\} [1-9]\d*$/m);
    expect(text).toMatch(/^stepup_recognize_request_duration_seconds_count\{route="\/users\/\{userId\}\/operations",outcome="ok"\} \d+$/m);
    expect(text).toMatch(/^stepup_queue_jobs\{queue="poll",state="(waiting|delayed|active)"\} \d+$/m);
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^stepup_sse_connections_open /m);
  });

  it('serves the OpenAPI UI at /docs', async () => {
    const response = await fetch(`${t.url}/docs`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/swagger-ui/i);
  });

  it('serves a valid OpenAPI document at /docs-json that documents every /v1 route the router serves', async () => {
    const response = await fetch(`${t.url}/docs-json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as OpenApiDocument;
    expect(document.openapi).toBe('3.1.0');
    expect(await validateOpenApi(document)).toBe('valid');

    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)),
    );
    const served = routerRoutes(t);
    expect(served.length).toBeGreaterThanOrEqual(3);
    expect(served.filter((route) => !documented.has(route))).toEqual([]);
  });

  it('documents auth, success schema and problem responses of every /v1 operation', async () => {
    const document = (await (await fetch(`${t.url}/docs-json`)).json()) as OpenApiDocument;
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, item] of Object.entries(document.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect({ where, security: operation.security }).toEqual({ where, security: expect.arrayContaining([{ bearer: [] }]) });
        const statuses = Object.keys(operation.responses);
        expect({ where, hasSuccess: statuses.some((s) => s.startsWith('2')) }).toEqual({ where, hasSuccess: true });
        // A list answers with what there is: only operations on one approval can be 404.
        const expected = path.includes('{id}') ? ['401', '404'] : ['401'];
        expect({ where, problems: expected.filter((s) => !statuses.includes(s)) }).toEqual({ where, problems: [] });
        const problem = operation.responses['401'].content['application/problem+json'];
        expect(problem.schema.$ref).toBe('#/components/schemas/Problem');
        expect(problem.example).toMatchObject({ status: 401, code: 'unauthenticated' });
      }
    }
    expect(document.paths['/v1/approvals'].post.responses['201'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/Approval',
    );
    expect(document.paths['/v1/approvals'].post.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/CreateApprovalRequest',
    );
  });
});
