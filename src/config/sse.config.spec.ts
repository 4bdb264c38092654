import { resolveSse } from './sse.config';

describe('resolveSse', () => {
  const env = { SSE_HEARTBEAT_MS: 15_000, SSE_RETRY_MS: 3000 };
  const held = { maxHeldPerClient: 5000, maxHeldPerProcess: 18_000 };

  it('reads comma-separated origins, normalised, and * as any', () => {
    const problems: string[] = [];
    const sut = resolveSse({ ...env, CORS_ORIGINS: 'https://bank.example, http://localhost:5173/ ,*' }, problems, held);
    expect(sut.corsOrigins).toEqual(['https://bank.example', 'http://localhost:5173', '*']);
    expect(problems).toEqual([]);
  });

  it('allows no origin when CORS_ORIGINS is unset', () => {
    expect(resolveSse(env, [], held).corsOrigins).toEqual([]);
  });

  it('names CORS_ORIGINS when an entry is not an origin', () => {
    const problems: string[] = [];
    resolveSse({ ...env, CORS_ORIGINS: 'https://bank.example/path' }, problems, held);
    resolveSse({ ...env, CORS_ORIGINS: 'ftp://files.example' }, problems, held);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^CORS_ORIGINS/);
  });
});
