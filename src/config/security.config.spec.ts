import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './config.loader';
import { configProblemsOf } from '../../test/unit/config-problems';
import { BANK_APP, OTHER_APP } from '../../test/helpers/clients';
import { generateReceiptKeyPem } from '../receipts/receipt-key';

const strongKey = () => randomBytes(32).toString('base64url');
const strongSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

const RECEIPT_KEY = generateReceiptKeyPem();

/** A valid production configuration; each test breaks one thing in it. */
function production(overrides: Record<string, string> = {}, client: Record<string, unknown> = {}): Record<string, string> {
  const bank = {
    id: 'bank-app',
    apiKey: strongKey(),
    webhookUrl: 'https://bank.example/hooks',
    webhookSecret: strongSecret(),
    callbackOrigins: ['https://bank.example'],
    ...client,
  };
  return {
    NODE_ENV: 'production',
    RECOGNIZE_BASE_URL: 'https://recognize.example/v2',
    RECOGNIZE_API_KEY: strongKey(),
    CLIENTS: JSON.stringify([bank]),
    RECEIPT_SIGNING_KEY: RECEIPT_KEY,
    OPS_TOKEN: strongKey(),
    ...overrides,
  };
}

describe('security of the configuration', () => {
  it('accepts the production baseline', () => {
    expect(configProblemsOf(production())).toEqual([]);
  });

  describe('NODE_ENV', () => {
    it.each(['prod', 'Production', 'staging', 'dev', 'production '])('stops at %j, naming NODE_ENV', (value) => {
      const problems = configProblemsOf({ NODE_ENV: value });
      expect(problems).toEqual([expect.stringMatching(/^NODE_ENV must be one of development, test, production/)]);
    });

    it('refuses NODE_ENV=prod even with a configuration that production would accept', () => {
      expect(() => loadConfig(production({ NODE_ENV: 'prod' }))).toThrow(ConfigError);
    });

    it('is development when unset, and accepts test and production', () => {
      expect(loadConfig({}).nodeEnv).toBe('development');
      expect(loadConfig({ NODE_ENV: 'test' }).nodeEnv).toBe('test');
      expect(loadConfig(production()).nodeEnv).toBe('production');
    });
  });

  describe('https only in production', () => {
    it.each([
      ['a webhookUrl over http', {}, { webhookUrl: 'http://10.0.0.5/h' }, /webhookUrl must be https/],
      [
        'a callbackOrigin over http (the metadata address)',
        {},
        { callbackOrigins: ['http://169.254.169.254'] },
        /callbackOrigins must all be https/,
      ],
      [
        'RECOGNIZE_BASE_URL over http',
        { RECOGNIZE_BASE_URL: 'http://recognize-simulator:4010/v2' },
        {},
        /RECOGNIZE_BASE_URL must be https/,
      ],
    ])('refuses %s', (_case, env, client, message) => {
      expect(configProblemsOf(production(env, client)).join('\n')).toMatch(message);
    });

    it('refuses, at start, a target written as an internal address, unless it is allow-listed', () => {
      const problems = configProblemsOf(
        production({}, { webhookUrl: 'https://169.254.169.254/hooks', callbackOrigins: ['https://[::ffff:10.0.0.5]'] }),
      );
      expect(problems).toEqual([
        'CLIENTS[0] webhookUrl is a link-local (cloud metadata) address (list it in WEBHOOK_ALLOWED_HOSTS if this is deliberate)',
        'CLIENTS[0] callbackOrigins[0] is a private address (list it in WEBHOOK_ALLOWED_HOSTS if this is deliberate)',
      ]);
      expect(configProblemsOf(production({ WEBHOOK_ALLOWED_HOSTS: '10.0.0.0/8' }, { callbackOrigins: ['https://10.0.0.5'] }))).toEqual([]);
    });

    it('keeps http for development receivers', () => {
      expect(configProblemsOf({ CLIENTS: JSON.stringify([{ ...BANK_APP, webhookUrl: 'http://127.0.0.1:9/h' }]) })).toEqual([]);
    });

    it('refuses a webhookUrl that carries a user or password, in every environment', () => {
      const problems = configProblemsOf({ CLIENTS: JSON.stringify([{ ...BANK_APP, webhookUrl: 'https://user:pw@bank.example/h' }]) });
      expect(problems.join('\n')).toMatch(/webhookUrl must not carry a user or password/);
      expect(problems.join('\n')).not.toContain('pw@');
    });
  });

  describe('keys and secrets in production', () => {
    it.each([
      ['the README development key', { apiKey: 'dev-client-key-change-me' }],
      ['the .env.example key', { apiKey: 'a-long-random-key-for-bank-app' }],
      ['a test helper key', { apiKey: BANK_APP.apiKey }],
      ['a low-variety key', { apiKey: 'a'.repeat(64) }],
      ['a repeating key', { apiKey: 'abcdefghijklmnopqrstuvwxyz012345'.repeat(3) }],
      ['a short random key', { apiKey: randomBytes(16).toString('base64url') }],
      ['the published webhook secret', { webhookSecret: BANK_APP.webhookSecret }],
      ['a webhook secret of 32 zero bytes', { webhookSecret: `whsec_${Buffer.alloc(32).toString('base64')}` }],
      ['a 24-byte webhook secret', { webhookSecret: `whsec_${randomBytes(24).toString('base64')}` }],
    ])('refuses %s', (_case, client) => {
      const problems = configProblemsOf(production({}, client));
      expect(problems).toEqual([expect.stringMatching(/^CLIENTS\[0\] (apiKeys|webhookSecrets)\[0\] .*\(NODE_ENV=production\)$/)]);
    });

    it('refuses a published example in a rotation list too', () => {
      const problems = configProblemsOf(production({}, { apiKeys: [strongKey(), OTHER_APP.apiKey] }));
      expect(problems).toEqual(['CLIENTS[0] apiKeys[2] is a published example value (NODE_ENV=production)']);
    });

    it("refuses the simulator's Recognize key and a published admin password", () => {
      const problems = configProblemsOf(
        production({ RECOGNIZE_API_KEY: 'simulator-api-key', ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: 'correct-horse-battery-staple' }),
      );
      expect(problems.join('\n')).toMatch(/RECOGNIZE_API_KEY is a published example/);
      expect(problems.join('\n')).toMatch(/ADMIN_PASSWORD is a published example/);
    });

    it('refuses a weak OPS_TOKEN', () => {
      expect(configProblemsOf(production({ OPS_TOKEN: 'ops-token-0123456789' })).join('\n')).toMatch(
        /OPS_TOKEN must carry at least 256 random bits/,
      );
      expect(configProblemsOf(production({ OPS_TOKEN: strongKey() }))).toEqual([]);
    });

    it('requires OPS_TOKEN in production, so that /metrics and /docs are never open there', () => {
      const { OPS_TOKEN: _token, ...withoutToken } = production();
      expect(configProblemsOf(withoutToken)).toEqual(['OPS_TOKEN is required when NODE_ENV=production (it guards /metrics and /docs)']);
      expect(configProblemsOf({ NODE_ENV: 'test' })).toEqual([]);
    });

    it('refuses a guessable admin password in production, such as twelve times the same letter', () => {
      const problems = configProblemsOf(production({ ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: 'aaaaaaaaaaaa' }));
      expect(problems).toEqual([expect.stringMatching(/^ADMIN_PASSWORD must carry at least 256 random bits/)]);
      expect(configProblemsOf(production({ ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: strongKey() }))).toEqual([]);
      expect(configProblemsOf({ ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: 'aaaaaaaaaaaa' })).toEqual([]);
    });

    it('keeps accepting the documented examples in development and test', () => {
      expect(configProblemsOf({ NODE_ENV: 'test', CLIENTS: JSON.stringify([BANK_APP, OTHER_APP]) })).toEqual([]);
    });
  });

  describe('rotation: apiKeys and webhookSecrets', () => {
    it('merges the single fields with the lists, the single one first', () => {
      const [oldKey, newKey, oldSecret, newSecret] = [strongKey(), strongKey(), strongSecret(), strongSecret()];
      const config = loadConfig(
        production({}, { apiKey: oldKey, apiKeys: [newKey], webhookSecret: undefined, webhookSecrets: [oldSecret, newSecret] }),
      );
      expect(config.clients[0]).toMatchObject({
        apiKey: oldKey,
        apiKeys: [oldKey, newKey],
        webhookSecret: oldSecret,
        webhookSecrets: [oldSecret, newSecret],
      });
    });

    it('needs a key, and refuses a key shared by two clients', () => {
      expect(configProblemsOf({ CLIENTS: JSON.stringify([{ id: 'a' }]) })).toEqual(['CLIENTS[0] needs an apiKey (or apiKeys)']);
      const shared = strongKey();
      const problems = configProblemsOf({
        CLIENTS: JSON.stringify([
          { id: 'a', apiKey: strongKey(), apiKeys: [shared] },
          { id: 'b', apiKey: shared },
        ]),
      });
      expect(problems).toContain('CLIENTS apiKeys must be unique');
    });
  });

  describe('webhook targets', () => {
    it('allows loopback outside production only, unless told otherwise', () => {
      expect(loadConfig({}).webhooks.targets.allowLoopback).toBe(true);
      expect(loadConfig({ WEBHOOK_ALLOW_LOOPBACK: 'false' }).webhooks.targets.allowLoopback).toBe(false);
      expect(loadConfig(production()).webhooks.targets.allowLoopback).toBe(false);
      expect(configProblemsOf(production({ WEBHOOK_ALLOW_LOOPBACK: 'true' })).join('\n')).toMatch(
        /WEBHOOK_ALLOW_LOOPBACK must not be true/,
      );
    });

    it('reads WEBHOOK_ALLOWED_HOSTS as host names, addresses and ranges', () => {
      const { targets } = loadConfig({ WEBHOOK_ALLOWED_HOSTS: 'Hooks.Internal.example., 10.1.2.3, 192.168.0.0/16, fd00::/8' }).webhooks;
      expect(targets.allowedHosts).toEqual(['hooks.internal.example']);
      expect(targets.allowedCidrs).toEqual([
        { address: '10.1.2.3', prefix: 32, family: 'ipv4' },
        { address: '192.168.0.0', prefix: 16, family: 'ipv4' },
        { address: 'fd00::', prefix: 8, family: 'ipv6' },
      ]);
      expect(configProblemsOf({ WEBHOOK_ALLOWED_HOSTS: '10.0.0.0/33' }).join('\n')).toMatch(/WEBHOOK_ALLOWED_HOSTS/);
      expect(configProblemsOf({ WEBHOOK_ALLOWED_HOSTS: 'http://x' }).join('\n')).toMatch(/WEBHOOK_ALLOWED_HOSTS/);
    });

    it.each(['0.0.0.0/0', '::/0', '0.0.0.0/1', '128.0.0.0/7', '::/6', 'hooks.example, 0.0.0.0/0'])(
      'refuses %j in production: a range that wide turns the address filter off wholesale',
      (value) => {
        expect(configProblemsOf(production({ WEBHOOK_ALLOWED_HOSTS: value }))).toEqual([
          expect.stringMatching(/^WEBHOOK_ALLOWED_HOSTS must not hold a range wider than \/8 \(IPv4\) or \/7 \(IPv6\)/),
        ]);
      },
    );

    it('accepts the widest private ranges in production, and any range outside it', () => {
      expect(configProblemsOf(production({ WEBHOOK_ALLOWED_HOSTS: '10.0.0.0/8, fc00::/7' }))).toEqual([]);
      expect(loadConfig({ WEBHOOK_ALLOWED_HOSTS: '0.0.0.0/0' }).webhooks.targets.allowedCidrs).toHaveLength(1);
    });
  });

  describe('TRUST_PROXY', () => {
    it.each([
      [undefined, false],
      ['false', false],
      ['2', 2],
      ['loopback, 10.0.0.0/8,192.0.2.1', ['loopback', '10.0.0.0/8', '192.0.2.1']],
    ])('reads %j', (value, expected) => {
      expect(loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).http.trustProxy).toEqual(expected);
    });

    it.each(['true', 'everyone', '10.0.0.0/99'])('refuses %j', (value) => {
      expect(configProblemsOf({ TRUST_PROXY: value }).join('\n')).toMatch(/^TRUST_PROXY/m);
    });
  });
});
