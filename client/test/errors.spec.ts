import {
  AuthenticationError,
  ConflictError,
  InvalidSignatureError,
  NotFoundError,
  RateLimitedError,
  StepupClient,
  StepupError,
  UpstreamError,
  ValidationError,
} from '../src/index';
import { json, makeApproval, problem, TestServer } from './test-server';

describe('StepupClient requests and error mapping', () => {
  let server: TestServer;
  let sut: StepupClient;

  beforeAll(async () => {
    server = await TestServer.start();
    sut = new StepupClient({ baseUrl: `${server.url}/`, apiKey: 'key-0123456789abcdef', retries: 0 });
  });
  afterAll(() => server.close());

  it('sends the API key, JSON body and path of each call', async () => {
    server.handle((req, res) => json(res, req.path === '/v1/approvals' ? 201 : 200, makeApproval()));

    await sut.createApproval({ userId: 'a1b2', message: 'Wire 5 EUR' });
    await sut.getApproval('op/1', { wait: 5 });
    await sut.cancelApproval('op-1');
    await sut.submitSignature('op-1', 'a.b.c');
    await sut.consumeApproval('op-1', { reference: 'payment-7' });

    expect(server.requests.map((r) => `${r.method} ${r.path}${r.query.size ? '?' + r.query.toString() : ''}`)).toEqual([
      'POST /v1/approvals',
      'GET /v1/approvals/op%2F1?wait=5',
      'POST /v1/approvals/op-1/cancel',
      'POST /v1/approvals/op-1/signature',
      'POST /v1/approvals/op-1/consume',
    ]);
    expect(server.requests.every((r) => r.headers.authorization === 'Bearer key-0123456789abcdef')).toBe(true);
    expect(JSON.parse(server.requests[0].body)).toEqual({ userId: 'a1b2', message: 'Wire 5 EUR' });
    expect(server.requests[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(server.requests[3].body)).toEqual({ jwt: 'a.b.c' });
    expect(JSON.parse(server.requests[4].body)).toEqual({ reference: 'payment-7' });
  });

  it.each([
    ['without a body', undefined],
    ['without a reference', {}],
    ['with an empty reference', { reference: '' }],
    ['with a reference that is not a string', { reference: 7 }],
  ])('refuses consumeApproval %s with a TypeError, sending nothing', async (_name, body) => {
    server.handle((_req, res) => json(res, 200, makeApproval()));
    const sent = server.requests.length;
    await expect(sut.consumeApproval('op-1', body as unknown as { reference: string })).rejects.toThrow(TypeError);
    expect(server.requests).toHaveLength(sent);
  });

  it.each([
    [400, 'invalid_request', ValidationError],
    [415, 'unsupported_media_type', ValidationError],
    [401, 'unauthenticated', AuthenticationError],
    [404, 'approval_not_found', NotFoundError],
    [404, 'user_not_found', NotFoundError],
    [409, 'approval_already_consumed', ConflictError],
    [409, 'approval_not_approved', ConflictError],
    [422, 'invalid_signature', InvalidSignatureError],
    [429, 'too_many_requests', RateLimitedError],
    [502, 'recognize_bad_gateway', UpstreamError],
    [503, 'recognize_unavailable', UpstreamError],
    [500, 'internal_error', StepupError],
  ])('maps a %i %s problem to its error class', async (status, code, ErrorClass) => {
    server.handle((_req, res) => problem(res, status, code, {}, { 'x-request-id': 'req-42' }));

    const error = await sut.getApproval('op-1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(StepupError);
    expect(error).toMatchObject({ status, code, detail: `detail of ${code}`, requestId: 'req-42', errors: [] });
  });

  it('keeps the fields at fault of a 400', async () => {
    const errors = [{ field: 'userId', message: 'userId must be 1-128 hexadecimal characters' }];
    server.handle((_req, res) => problem(res, 400, 'invalid_request', { errors }));

    const error = await sut.createApproval({ userId: 'xyz' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual(errors);
  });

  it('gives the Retry-After of a 429 that is not retried', async () => {
    server.handle((_req, res) => problem(res, 429, 'too_many_requests', {}, { 'retry-after': '60' }));

    const error = await sut.createApproval({ userId: 'a1' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfter).toBe(60);
  });

  it('maps an answer without a problem body by its status', async () => {
    server.handle((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    });

    const error = await sut.getApproval('op-1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ status: 502, code: 'http_502' });
  });
});
