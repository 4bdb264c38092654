import { resolveHttp } from './http.config';
import { resolveSse } from './sse.config';

describe('resolveHttp', () => {
  it('bounds slow senders and sockets by default', () => {
    const problems: string[] = [];
    const sut = resolveHttp({}, problems);
    expect(sut).toMatchObject({ maxConnections: 20_000, headersTimeoutMs: 20_000, requestTimeoutMs: 30_000, demoPostsPerMinute: 30 });
    expect(problems).toEqual([]);
  });

  it('refuses a headers timeout above the request timeout, which Node would not accept', () => {
    const problems: string[] = [];
    resolveHttp({ HTTP_HEADERS_TIMEOUT_MS: 60_000, HTTP_REQUEST_TIMEOUT_MS: 30_000 }, problems);
    expect(problems).toEqual([expect.stringMatching(/^HTTP_HEADERS_TIMEOUT_MS/)]);
  });
});

describe('resolveSse limits', () => {
  it('caps token streams at 3 per approval and keeps eventsUrl tokens short-lived by default', () => {
    const sut = resolveSse({ SSE_HEARTBEAT_MS: 15_000, SSE_RETRY_MS: 3000 }, []);
    expect(sut).toMatchObject({
      maxStreamsPerApproval: 3,
      maxStreamsPerClient: 10_000,
      maxStreamsPerProcess: 10_000,
      tokenTtlS: 900,
      tokenGraceS: 300,
    });
  });
});
