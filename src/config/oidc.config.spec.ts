import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { loadConfig } from './config.loader';
import { configProblemsOf } from '../../test/unit/config-problems';
import { generateReceiptKeyPem } from '../receipts/receipt-key';

const strongKey = () => randomBytes(32).toString('base64url');
const publicJwk = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'jwk' });

function clients(ciba: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): string {
  return JSON.stringify([
    { id: 'bank-app', apiKey: 'bank-app-key-0123456789abcdef', callbackOrigins: [], ...(ciba && { ciba }), ...extra },
  ]);
}

function production(overrides: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    RECOGNIZE_BASE_URL: 'https://recognize.example/v2',
    RECOGNIZE_API_KEY: strongKey(),
    CLIENTS: JSON.stringify([{ id: 'bank-app', apiKey: strongKey(), callbackOrigins: [] }]),
    RECEIPT_SIGNING_KEY: generateReceiptKeyPem(),
    OPS_TOKEN: strongKey(),
    ...overrides,
  };
}

describe('OIDC_ISSUER, CIBA_INTERVAL_S and CLIENTS[].ciba', () => {
  it('leaves CIBA off without OIDC_ISSUER, with the default interval of 5 s', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).oidc).toEqual({ intervalS: 5 });
  });

  it('keeps the issuer byte for byte', () => {
    expect(loadConfig({ NODE_ENV: 'test', OIDC_ISSUER: 'http://127.0.0.1:3000', CIBA_INTERVAL_S: '1' }).oidc).toEqual({
      issuer: 'http://127.0.0.1:3000',
      intervalS: 1,
    });
  });

  it.each([
    ['https://stepup.bank.example/', /no trailing slash/],
    ['https://stepup.bank.example/oidc', /origin, with no path/],
    ['https://stepup.bank.example?x=1', /query or fragment/],
    ['https://user:pw@stepup.bank.example', /user, password/],
    ['HTTPS://Stepup.Bank.Example', /written as its origin/],
    ['http://stepup.bank.example', /http only on a loopback host/],
    ['ftp://stepup.bank.example', /https URL/],
    ['stepup.bank.example', /absolute https URL/],
  ])('refuses the issuer %j, naming OIDC_ISSUER', (issuer, rule) => {
    expect(configProblemsOf({ NODE_ENV: 'test', OIDC_ISSUER: issuer })).toEqual([expect.stringMatching(rule)]);
    expect(configProblemsOf({ NODE_ENV: 'test', OIDC_ISSUER: issuer })[0]).toMatch(/^OIDC_ISSUER /);
  });

  it('requires https in production, even on loopback', () => {
    expect(configProblemsOf(production({ OIDC_ISSUER: 'http://127.0.0.1:3000' }))).toEqual([
      'OIDC_ISSUER must be https when NODE_ENV=production',
    ]);
    expect(configProblemsOf(production({ OIDC_ISSUER: 'https://stepup.bank.example' }))).toEqual([]);
  });

  it.each(['0', '61', '1.5', 'five'])('refuses CIBA_INTERVAL_S=%s', (value) => {
    const problems = configProblemsOf({ NODE_ENV: 'test', CIBA_INTERVAL_S: value });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.startsWith('CIBA_INTERVAL_S'))).toBe(true);
  });

  it("reads a client's ciba settings", () => {
    const jwk = publicJwk();
    const config = loadConfig({
      NODE_ENV: 'test',
      CLIENTS: clients({
        clientSecret: 'a-ciba-secret-0123456789',
        jwks: { keys: [jwk] },
        deliveryMode: 'ping',
        notificationEndpoint: 'https://bank.example/ciba',
      }),
    });
    expect(config.clients[0].ciba).toEqual({
      clientSecret: 'a-ciba-secret-0123456789',
      jwks: { keys: [jwk] },
      deliveryMode: 'ping',
      notificationEndpoint: 'https://bank.example/ciba',
    });
  });

  it.each([
    [{ deliveryMode: 'poll' }, /ciba needs a clientSecret or jwks/],
    [{ clientSecret: 'a-ciba-secret-0123456789', deliveryMode: 'push' }, /deliveryMode must be "poll" or "ping"/],
    [{ clientSecret: 'a-ciba-secret-0123456789', deliveryMode: 'ping' }, /notificationEndpoint is required/],
    [
      { clientSecret: 'a-ciba-secret-0123456789', deliveryMode: 'poll', notificationEndpoint: 'https://bank.example/ciba' },
      /only for deliveryMode "ping"/,
    ],
    [{ clientSecret: 'short', deliveryMode: 'poll' }, /clientSecret must be at least 16/],
    [{ clientSecret: 'bank-app-key-0123456789abcdef', deliveryMode: 'poll' }, /clientSecret must differ from every apiKey/],
    [{ jwks: { keys: [] }, deliveryMode: 'poll' }, /ciba.jwks must be a JWK Set/],
    [{ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, deliveryMode: 'poll' }, /must be an EC, RSA or OKP public key/],
    [{ jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }] }, deliveryMode: 'poll' }, /not a usable public key/],
    [
      { clientSecret: 'a-ciba-secret-0123456789', deliveryMode: 'ping', notificationEndpoint: 'https://u:p@bank.example/ciba' },
      /must not carry a user/,
    ],
  ])('refuses ciba %j, naming the field', (ciba, rule) => {
    const problems = configProblemsOf({ NODE_ENV: 'test', CLIENTS: clients(ciba) });
    expect(problems).toEqual([expect.stringMatching(rule)]);
    expect(problems[0]).toMatch(/^CLIENTS\[0\]|^CLIENTS\[clients\]|ciba/);
  });

  it('refuses a private JWK, which must never sit in the configuration', () => {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'jwk' });
    expect(configProblemsOf({ NODE_ENV: 'test', CLIENTS: clients({ jwks: { keys: [jwk] }, deliveryMode: 'poll' }) })).toEqual([
      'CLIENTS[0] ciba.jwks.keys[0] must be a public key (it holds a private part)',
    ]);
  });

  it('requires an https notificationEndpoint and a strong clientSecret in production', () => {
    const ciba = { clientSecret: 'a-ciba-secret-0123456789', deliveryMode: 'ping', notificationEndpoint: 'http://bank.example/ciba' };
    const problems = configProblemsOf(
      production({ CLIENTS: JSON.stringify([{ id: 'bank-app', apiKey: strongKey(), callbackOrigins: [], ciba }]) }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'CLIENTS[0] ciba.notificationEndpoint must be https when NODE_ENV=production',
        expect.stringMatching(/^CLIENTS\[0\] ciba.clientSecret .*\(NODE_ENV=production\)$/),
      ]),
    );
  });
});
