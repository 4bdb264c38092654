import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { configProblemsOf } from '../../test/unit/config-problems';
import { generateReceiptKeyPem } from '../receipts/receipt-key';
import { SIGNATURE_VERIFIER_DEFAULTS } from '../signatures/transaction-signature.verifier';
import { loadConfig } from './config.loader';

const production = (overrides: Record<string, string> = {}): Record<string, string> => ({
  NODE_ENV: 'production',
  RECOGNIZE_BASE_URL: 'https://recognize.example/v2',
  RECOGNIZE_API_KEY: randomBytes(32).toString('base64url'),
  CLIENTS: JSON.stringify([{ id: 'bank-app', apiKey: randomBytes(32).toString('base64url') }]),
  RECEIPT_SIGNING_KEY: generateReceiptKeyPem(),
  OPS_TOKEN: randomBytes(32).toString('base64url'),
  ...overrides,
});

describe('signature and receipt configuration', () => {
  it('defaults to the PEM and verify endpoints, the 30 s refetch cooldown and the service name as issuer', () => {
    const config = loadConfig({
      RECOGNIZE_BASE_URL: 'http://recognize.test/v2',
      RECOGNIZE_API_KEY: 'k',
    });
    expect(config.signatures).toEqual({
      jwksUrl: undefined,
      publicKeyPath: SIGNATURE_VERIFIER_DEFAULTS.publicKeyPath,
      verifyJwtPath: SIGNATURE_VERIFIER_DEFAULTS.verifyJwtPath,
      refetchCooldownMs: 30_000,
      refetchGapMs: 1000,
    });
    expect(config.receipts).toEqual({
      signingKeyPem: undefined,
      publicKeys: [],
      issuer: 'stepup-orchestrator',
    });
  });

  it('reads RECOGNIZE_JWKS_URL, the endpoint paths, the cooldown and RECEIPT_ISSUER', () => {
    const config = loadConfig({
      RECOGNIZE_JWKS_URL: 'https://recognize.example/customers/bank/.well-known/jwks.json',
      RECOGNIZE_PUBLIC_KEY_PATH: '/keys/pem',
      RECOGNIZE_VERIFY_JWT_PATH: '/keys/verify',
      RECOGNIZE_JWKS_COOLDOWN_MS: '0',
      RECOGNIZE_JWKS_REFETCH_GAP_MS: '250',
      RECEIPT_ISSUER: 'https://stepup.bank.example',
    });
    expect(config.signatures).toEqual({
      jwksUrl: 'https://recognize.example/customers/bank/.well-known/jwks.json',
      publicKeyPath: '/keys/pem',
      verifyJwtPath: '/keys/verify',
      refetchCooldownMs: 0,
      refetchGapMs: 250,
    });
    expect(config.receipts.issuer).toBe('https://stepup.bank.example');
  });

  it('reads RECOGNIZE_JWT_ISSUER; unset (or empty) leaves iss unchecked', () => {
    expect(loadConfig({ RECOGNIZE_JWT_ISSUER: 'https://api.keyless.io/customers/bank' }).signatures.jwtIssuer).toBe(
      'https://api.keyless.io/customers/bank',
    );
    expect(loadConfig({}).signatures.jwtIssuer).toBeUndefined();
    expect(loadConfig({ RECOGNIZE_JWT_ISSUER: '' }).signatures.jwtIssuer).toBeUndefined();
  });

  it.each([' https://api.keyless.io', 'https://api.keyless.io\n', 'x'.repeat(2049)])('refuses RECOGNIZE_JWT_ISSUER %j', (value) => {
    expect(configProblemsOf({ RECOGNIZE_JWT_ISSUER: value })).toEqual([expect.stringMatching(/^RECOGNIZE_JWT_ISSUER must /)]);
  });

  it('requires RECEIPT_SIGNING_KEY in production only', () => {
    expect(configProblemsOf(production())).toEqual([]);
    const { RECEIPT_SIGNING_KEY: _key, ...withoutKey } = production();
    expect(configProblemsOf(withoutKey)).toEqual([expect.stringMatching(/^RECEIPT_SIGNING_KEY is required when NODE_ENV=production/)]);
    expect(configProblemsOf({})).toEqual([]);
  });

  it.each([
    ['an RSA key', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
    ['a P-384 key', generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
    ['garbage', '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----'],
    ['no PEM at all', 'secret'],
  ])('stops at %s in RECEIPT_SIGNING_KEY, naming the variable and not the value', (_name, pem) => {
    const problems = configProblemsOf({ RECEIPT_SIGNING_KEY: pem });
    expect(problems).toEqual([expect.stringMatching(/^RECEIPT_SIGNING_KEY /)]);
    expect(problems.join('\n')).not.toContain(pem.split('\n')[1] ?? pem);
  });

  it('reads RECEIPT_PUBLIC_KEYS into the published public keys, and stops at an invalid set naming it without its value', () => {
    const { d, ...publicPart } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'jwk' });
    const config = loadConfig({ RECEIPT_PUBLIC_KEYS: JSON.stringify({ keys: [{ kid: 'retired-1', ...publicPart }] }) });
    expect(config.receipts.publicKeys).toEqual([{ kid: 'retired-1', ...publicPart, alg: 'ES256', use: 'sig' }]);
    const withPrivate = JSON.stringify({ keys: [{ kid: 'retired-1', ...publicPart, d }] });
    const problems = configProblemsOf(production({ RECEIPT_PUBLIC_KEYS: withPrivate }));
    expect(problems).toEqual([expect.stringMatching(/^RECEIPT_PUBLIC_KEYS keys\[0\] has a private part \(d\)/)]);
    expect(problems.join('\n')).not.toContain(d as string);
  });

  it('accepts a PEM whose line breaks travel as literal \\n', () => {
    expect(
      configProblemsOf({
        RECEIPT_SIGNING_KEY: generateReceiptKeyPem().replace(/\n/g, '\\n'),
      }),
    ).toEqual([]);
  });

  it.each([
    ['RECOGNIZE_JWKS_REFETCH_GAP_MS', '60001', /^RECOGNIZE_JWKS_REFETCH_GAP_MS /],
    ['RECOGNIZE_JWKS_URL', 'not a url', /^RECOGNIZE_JWKS_URL must be an http\(s\) URL/],
    ['RECOGNIZE_PUBLIC_KEY_PATH', 'jwt/public-key', /^RECOGNIZE_PUBLIC_KEY_PATH must be a path/],
    ['RECOGNIZE_VERIFY_JWT_PATH', '/jwt/verify?x=1', /^RECOGNIZE_VERIFY_JWT_PATH must be a path/],
  ])('refuses a malformed %s', (name, value, message) => {
    expect(configProblemsOf({ [name]: value })).toEqual([expect.stringMatching(message)]);
  });

  it('refuses an http key set in production', () => {
    expect(
      configProblemsOf(
        production({
          RECOGNIZE_JWKS_URL: 'http://recognize.example/customers/bank/.well-known/jwks.json',
        }),
      ),
    ).toEqual(['RECOGNIZE_JWKS_URL must be https when NODE_ENV=production']);
  });
});
