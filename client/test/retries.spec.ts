import { ConflictError, RateLimitedError, StepupClient, UpstreamError } from '../src/index';
import { json, makeApproval, problem, TestServer } from './test-server';

/** Answers the first `failures` requests with `status` and `retryAfter`, then 200 with an approval. */
function failing(server: TestServer, failures: number, status: number, retryAfter?: string): void {
  let seen = 0;
  server.handle((_req, res) => {
    seen += 1;
    if (seen > failures) return json(res, 200, makeApproval());
    problem(
      res,
      status,
      status === 429 ? 'too_many_requests' : 'recognize_unavailable',
      {},
      retryAfter === undefined ? {} : { 'retry-after': retryAfter },
    );
  });
}

describe('StepupClient retries on 429 and 503', () => {
  let server: TestServer;
  let sut: StepupClient;

  beforeAll(async () => {
    server = await TestServer.start();
    sut = new StepupClient({ baseUrl: server.url, apiKey: 'key-0123456789abcdef', retries: 2 });
  });
  afterAll(() => server.close());

  it('retries a GET answered 429 with Retry-After', async () => {
    failing(server, 2, 429, '0');

    await expect(sut.getApproval('op-1')).resolves.toMatchObject({ id: 'op-1' });
    expect(server.requests).toHaveLength(3);
  });

  it('retries a 503 whose Retry-After is an HTTP date already past', async () => {
    failing(server, 1, 503, new Date(Date.now() - 5_000).toUTCString());

    await expect(sut.getApproval('op-1')).resolves.toMatchObject({ id: 'op-1' });
    expect(server.requests).toHaveLength(2);
  });

  it('stops after the configured number of retries and throws the last answer', async () => {
    failing(server, 10, 429, '0');

    await expect(sut.getApproval('op-1')).rejects.toBeInstanceOf(RateLimitedError);
    expect(server.requests).toHaveLength(3);
  });

  it('retries the creation of an approval that has an operationId', async () => {
    failing(server, 1, 503, '0');

    await expect(sut.createApproval({ userId: 'a1', operationId: 'txn-1' })).resolves.toMatchObject({ id: 'op-1' });
    expect(server.to('/v1/approvals')).toHaveLength(2);
  });

  it('does not retry the creation of an approval without an operationId', async () => {
    failing(server, 1, 503, '0');

    await expect(sut.createApproval({ userId: 'a1' })).rejects.toBeInstanceOf(UpstreamError);
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a cancel, which is not idempotent', async () => {
    failing(server, 1, 429, '0');

    await expect(sut.cancelApproval('op-1')).rejects.toBeInstanceOf(RateLimitedError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a consume, which is idempotent per reference', async () => {
    failing(server, 1, 429, '0');

    await expect(sut.consumeApproval('op-1', { reference: 'pay-1' })).resolves.toMatchObject({ id: 'op-1' });
    expect(server.requests).toHaveLength(2);
    expect(server.requests.map((r) => r.body)).toEqual(['{"reference":"pay-1"}', '{"reference":"pay-1"}']);
  });

  it("retries a signature answered 503 recognize_keys_refreshing (Recognize's new key not fetched yet) after its Retry-After, and resolves", async () => {
    const arrivals: number[] = [];
    server.handle((_req, res) => {
      arrivals.push(Date.now());
      if (arrivals.length === 1) return problem(res, 503, 'recognize_keys_refreshing', {}, { 'retry-after': '1' });
      return json(res, 200, makeApproval({ status: 'approved' }));
    });

    await expect(sut.submitSignature('op-1', 'h.p.s')).resolves.toMatchObject({ id: 'op-1', status: 'approved' });
    expect(server.to('/v1/approvals/op-1/signature')).toHaveLength(2);
    // Retry-After was waited out before the second attempt (a lower bound: the retry did not come early).
    expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(950);
  });

  it('gives up on recognize_keys_refreshing after the configured retries, with the 503 and its code', async () => {
    server.handle((_req, res) => problem(res, 503, 'recognize_keys_refreshing', {}, { 'retry-after': '0' }));

    const error = await sut.submitSignature('op-1', 'h.p.s').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ status: 503, code: 'recognize_keys_refreshing' });
    expect(server.requests).toHaveLength(3);
  });

  it('does not wait out a Retry-After longer than a minute', async () => {
    failing(server, 1, 429, '3600');

    const error = await sut.getApproval('op-1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfter).toBe(3600);
    expect(server.requests).toHaveLength(1);
  });

  it('never retries other errors', async () => {
    server.handle((_req, res) => problem(res, 409, 'approval_already_consumed'));

    await expect(sut.consumeApproval('op-1', { reference: 'other' })).rejects.toMatchObject({ code: 'approval_already_consumed' });
    await expect(sut.consumeApproval('op-1', { reference: 'other' })).rejects.toBeInstanceOf(ConflictError);
    expect(server.requests).toHaveLength(2);
  });

  it('stops waiting for a retry when the signal aborts', async () => {
    const controller = new AbortController();
    server.handle((_req, res) => {
      problem(res, 429, 'too_many_requests', {}, { 'retry-after': '30' });
      res.on('finish', () => controller.abort(new Error('caller gave up')));
    });

    await expect(sut.getApproval('op-1', { signal: controller.signal })).rejects.toThrow('caller gave up');
    expect(server.requests).toHaveLength(1);
  });
});
