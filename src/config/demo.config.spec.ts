import { generateReceiptKeyPem } from '../receipts/receipt-key';
import { randomBytes } from 'node:crypto';
import { loadConfig } from './config.loader';
import { configProblemsOf } from '../../test/unit/config-problems';

const bankApp = { id: 'bank-app', apiKey: 'bank-app-key-0123456789' };
const clients = JSON.stringify([bankApp]);

describe('demo configuration', () => {
  it('serves the demo as the development client by default', () => {
    expect(loadConfig({}).demo).toEqual({ enabled: true, clientId: 'dev-client' });
  });

  it('has no demo when CLIENTS is set and no DEMO_CLIENT_ID names a client', () => {
    expect(loadConfig({ CLIENTS: clients }).demo.enabled).toBe(false);
  });

  it('acts as the client named by DEMO_CLIENT_ID', () => {
    expect(loadConfig({ CLIENTS: clients, DEMO_CLIENT_ID: 'bank-app' }).demo).toEqual({ enabled: true, clientId: 'bank-app' });
  });

  describe('in production', () => {
    const demoClient = { id: 'demo-app', apiKey: randomBytes(32).toString('base64url'), demo: true };
    const bank = { id: 'bank-app', apiKey: randomBytes(32).toString('base64url') };
    const production = {
      NODE_ENV: 'production',
      CLIENTS: JSON.stringify([bank, demoClient]),
      RECOGNIZE_BASE_URL: 'https://r.example/v2',
      RECOGNIZE_API_KEY: 'k',
      DEMO_CLIENT_ID: 'demo-app',
      RECEIPT_SIGNING_KEY: generateReceiptKeyPem(),
      OPS_TOKEN: randomBytes(32).toString('base64url'),
    };

    it('is off unless DEMO_ENABLED=true', () => {
      expect(loadConfig(production).demo.enabled).toBe(false);
      expect(loadConfig({ ...production, DEMO_ENABLED: 'true' }).demo).toEqual({ enabled: true, clientId: 'demo-app' });
    });

    it('refuses to serve the demo as a client that is not demo-only', () => {
      const problems = configProblemsOf({ ...production, DEMO_ENABLED: 'true', DEMO_CLIENT_ID: 'bank-app' });
      expect(problems.join('\n')).toMatch(/DEMO_CLIENT_ID must name a demo-only client/);
    });

    it('refuses a demo client that receives webhooks', () => {
      const hooked = {
        ...demoClient,
        webhookUrl: 'https://bank.example/hook',
        webhookSecret: `whsec_${randomBytes(32).toString('base64')}`,
      };
      const problems = configProblemsOf({ ...production, CLIENTS: JSON.stringify([bank, hooked]), DEMO_ENABLED: 'true' });
      expect(problems.join('\n')).toMatch(/CLIENTS\[1\] is a demo client/);
    });
  });

  it('is off when DEMO_ENABLED=false', () => {
    expect(loadConfig({ DEMO_ENABLED: 'false' }).demo.enabled).toBe(false);
  });

  it.each([
    ['DEMO_CLIENT_ID', { CLIENTS: clients, DEMO_CLIENT_ID: 'nobody' }],
    ['DEMO_CLIENT_ID', { CLIENTS: clients, DEMO_ENABLED: 'true' }],
    ['DEMO_ENABLED', { DEMO_ENABLED: 'yes' }],
  ])('names %s when it is invalid', (variable, env) => {
    expect(configProblemsOf(env).some((p) => p.includes(variable))).toBe(true);
  });
});
