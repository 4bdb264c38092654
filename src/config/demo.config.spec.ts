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

  it('is off in production unless DEMO_ENABLED=true', () => {
    const production = { NODE_ENV: 'production', CLIENTS: clients, RECOGNIZE_BASE_URL: 'https://r.example/v2', RECOGNIZE_API_KEY: 'k', DEMO_CLIENT_ID: 'bank-app' };
    expect(loadConfig(production).demo.enabled).toBe(false);
    expect(loadConfig({ ...production, DEMO_ENABLED: 'true' }).demo.enabled).toBe(true);
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
