import { configProblemsOf } from '../../test/unit/config-problems';
import { resolveHttp } from './http.config';
import { resolveSse } from './sse.config';

describe('resolveHttp', () => {
  it('bounds slow senders and sockets by default', () => {
    const problems: string[] = [];
    const sut = resolveHttp({}, problems);
    expect(sut).toMatchObject({ maxConnections: 20_000, headersTimeoutMs: 20_000, requestTimeoutMs: 30_000, demoPostsPerMinute: 30 });
    expect(problems).toEqual([]);
  });

  it('lets one client hold a quarter of the connections by default, and all clients together all but the reserve', () => {
    expect(resolveHttp({}, [])).toMatchObject({ maxHeldPerClient: 5000, maxHeldPerProcess: 18_000 });
    expect(resolveHttp({ HTTP_MAX_CONNECTIONS: 100 }, [])).toMatchObject({ maxHeldPerClient: 25, maxHeldPerProcess: 84 });
    expect(resolveHttp({ HTTP_MAX_CONNECTIONS: 100, CLIENT_MAX_HELD_REQUESTS: 83 }, [])).toMatchObject({ maxHeldPerClient: 83 });
  });

  it.each([
    ['the connections minus the reserve', { HTTP_MAX_CONNECTIONS: 100, CLIENT_MAX_HELD_REQUESTS: 84 }],
    ['every connection', { HTTP_MAX_CONNECTIONS: 20_000, CLIENT_MAX_HELD_REQUESTS: 20_000 }],
    ['more than the connections', { HTTP_MAX_CONNECTIONS: 64, CLIENT_MAX_HELD_REQUESTS: 1000 }],
  ])('refuses CLIENT_MAX_HELD_REQUESTS up to %s', (_name, env) => {
    const problems: string[] = [];
    resolveHttp(env, problems);
    expect(problems).toEqual([expect.stringMatching(/^CLIENT_MAX_HELD_REQUESTS must be below HTTP_MAX_CONNECTIONS minus a reserve/)]);
  });

  it('refuses a headers timeout above the request timeout, which Node would not accept', () => {
    const problems: string[] = [];
    resolveHttp({ HTTP_HEADERS_TIMEOUT_MS: 60_000, HTTP_REQUEST_TIMEOUT_MS: 30_000 }, problems);
    expect(problems).toEqual([expect.stringMatching(/^HTTP_HEADERS_TIMEOUT_MS/)]);
  });
});

describe('held-request limits at start', () => {
  it.each([
    [{ HTTP_MAX_CONNECTIONS: '0' }, /^HTTP_MAX_CONNECTIONS must not be less than 64/],
    [
      { HTTP_MAX_CONNECTIONS: '100', CLIENT_MAX_HELD_REQUESTS: '90' },
      /^CLIENT_MAX_HELD_REQUESTS must be below HTTP_MAX_CONNECTIONS minus a reserve/,
    ],
    [{ CLIENT_MAX_HELD_REQUESTS: '0' }, /^CLIENT_MAX_HELD_REQUESTS must not be less than 1/],
    [
      { CLIENT_MAX_HELD_REQUESTS: '6000', SSE_MAX_STREAMS_PER_PROCESS: '6000' },
      /^CLIENT_MAX_HELD_REQUESTS must be below SSE_MAX_STREAMS_PER_PROCESS/,
    ],
  ])('stops at %j', (env, problem) => {
    expect(configProblemsOf(env)).toEqual([expect.stringMatching(problem)]);
  });

  it('starts with the defaults and with a cap below the reserve', () => {
    expect(configProblemsOf({})).toEqual([]);
    expect(configProblemsOf({ HTTP_MAX_CONNECTIONS: '64', CLIENT_MAX_HELD_REQUESTS: '47' })).toEqual([]);
  });
});

describe('resolveSse limits', () => {
  it('caps token streams at 3 per approval and keeps eventsUrl tokens short-lived by default', () => {
    const sut = resolveSse({ SSE_HEARTBEAT_MS: 15_000, SSE_RETRY_MS: 3000 }, [], resolveHttp({}, []));
    expect(sut).toMatchObject({
      maxStreamsPerApproval: 3,
      maxStreamsPerClient: 10_000,
      maxStreamsPerProcess: 18_000,
      tokenTtlS: 900,
      tokenGraceS: 300,
    });
  });

  it('refuses a per-process stream cap one client could fill alone', () => {
    const problems: string[] = [];
    const env = { SSE_HEARTBEAT_MS: 15_000, SSE_RETRY_MS: 3000 };
    resolveSse({ ...env, SSE_MAX_STREAMS_PER_PROCESS: 5000 }, problems, resolveHttp({}, []));
    expect(problems).toEqual([expect.stringMatching(/^CLIENT_MAX_HELD_REQUESTS must be below SSE_MAX_STREAMS_PER_PROCESS/)]);
    expect(resolveSse({ ...env, SSE_MAX_STREAMS_PER_PROCESS: 5001 }, [], resolveHttp({}, [])).maxStreamsPerProcess).toBe(5001);
  });
});
