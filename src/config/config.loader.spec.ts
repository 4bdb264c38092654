import { DEVELOPMENT_CLIENT, loadConfig } from './config.loader';
import { configProblemsOf } from '../../test/unit/config-problems';

const client = {
  id: 'bank-app',
  apiKey: 'bank-app-key-0123456789',
  webhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  callbackOrigins: ['https://bank.example/path'],
};

describe(loadConfig.name, () => {
  it('applies the contract defaults', () => {
    const sut = loadConfig({});
    expect(sut).toMatchObject({
      port: 3000,
      redis: { url: 'redis://127.0.0.1:6379', prefix: 'stepup' },
      polling: { intervalMs: 1000 },
      approvals: { defaultTimeoutS: 300 },
    });
    expect(sut.recognize.baseUrl).toBeUndefined();
    expect(sut.clients).toEqual([DEVELOPMENT_CLIENT]);
    expect(sut.usesDevelopmentClient).toBe(true);
  });

  it('parses CLIENTS and keeps only the origin of each callbackOrigin', () => {
    const sut = loadConfig({ CLIENTS: JSON.stringify([client]) });
    expect(sut.clients).toEqual([
      {
        ...client,
        apiKeys: [client.apiKey],
        webhookSecrets: [client.webhookSecret],
        webhookUrl: undefined,
        callbackOrigins: ['https://bank.example'],
      },
    ]);
    expect(sut.usesDevelopmentClient).toBe(false);
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['REDIS_URL', { REDIS_URL: 'http://x' }],
    ['REDIS_PREFIX', { REDIS_PREFIX: 'has space' }],
    ['RECOGNIZE_BASE_URL', { RECOGNIZE_BASE_URL: 'not a url', RECOGNIZE_API_KEY: 'k' }],
    ['POLL_INTERVAL_MS', { POLL_INTERVAL_MS: '-1' }],
    ['APPROVAL_TIMEOUT_S', { APPROVAL_TIMEOUT_S: '0' }],
    ['CLIENTS', { CLIENTS: 'not json' }],
    ['CLIENTS', { CLIENTS: '[]' }],
    ['CLIENTS', { CLIENTS: JSON.stringify([{ ...client, apiKey: 'short' }]) }],
    ['CLIENTS', { CLIENTS: JSON.stringify([client, { ...client, apiKey: 'another-key-0123456789' }]) }],
    ['CLIENTS', { CLIENTS: JSON.stringify([{ ...client, webhookUrl: 'https://bank.example/hook', webhookSecret: undefined }]) }],
    ['CLIENTS', { CLIENTS: JSON.stringify([{ ...client, webhookSecret: undefined }]) }],
    ['RECOGNIZE_API_KEY', { RECOGNIZE_BASE_URL: 'https://recognize.example/v2' }],
    ['POLL_LEASE_MS', { POLL_LEASE_MS: '5000', RECOGNIZE_TIMEOUT_MS: '5000' }],
    ['SIMULATOR_CONTROL_TOKEN', { SIMULATOR_CONTROL_URL: 'http://127.0.0.1:4010/_sim' }],
    [
      'SIMULATOR_CONTROL_URL',
      { NODE_ENV: 'production', SIMULATOR_CONTROL_URL: 'http://sim/_sim', SIMULATOR_CONTROL_TOKEN: 'long-enough-token' },
    ],
  ])('names %s when it is invalid', (variable, env) => {
    const problems = configProblemsOf(env);
    expect(problems.some((p) => p.includes(variable))).toBe(true);
  });

  it('refuses the simulator and the development client in production', () => {
    const problems = configProblemsOf({ NODE_ENV: 'production' });
    expect(problems.join('\n')).toMatch(/RECOGNIZE_BASE_URL/);
    expect(problems.join('\n')).toMatch(/CLIENTS/);
  });

  it('never puts a secret value in its messages', () => {
    const secret = 'super-secret-value-0123456789';
    const problems = configProblemsOf({ CLIENTS: JSON.stringify([{ ...client, apiKey: secret, webhookSecret: 'whsec_!!' + secret }]) });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).not.toContain(secret);
  });
});
