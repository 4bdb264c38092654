import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { generateReceiptKeyPem } from '../../src/receipts/receipt-key';
import { ensureBuilt, freePort } from '../helpers/service-process';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** Starts `node dist/main.js` in a directory without .env and resolves with how it ended (it must end by itself). */
function runService(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN], {
      cwd: __dirname,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('start-up refuses unsafe configurations', () => {
  beforeAll(() => ensureBuilt());

  it.each(['prod', 'Production', 'staging'])(
    'stops at NODE_ENV=%s, naming NODE_ENV, instead of running the development defaults',
    async (nodeEnv) => {
      const { code, stderr } = await runService({ NODE_ENV: nodeEnv, PORT: String(await freePort()) });
      expect(code).toBe(1);
      expect(stderr).toMatch(/Invalid configuration:[\s\S]*NODE_ENV must be one of development, test, production/);
    },
  );

  it('stops when production would serve the demo as a client that is not demo-only', async () => {
    const bank = { id: 'bank-app', apiKey: randomBytes(32).toString('base64url') };
    const { code, stderr } = await runService({
      NODE_ENV: 'production',
      PORT: String(await freePort()),
      RECOGNIZE_BASE_URL: 'https://recognize.example/v2',
      RECOGNIZE_API_KEY: randomBytes(32).toString('base64url'),
      CLIENTS: JSON.stringify([bank]),
      DEMO_ENABLED: 'true',
      DEMO_CLIENT_ID: 'bank-app',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/DEMO_CLIENT_ID must name a demo-only client/);
    expect(stderr).not.toContain(bank.apiKey);
  });

  it('stops in production without OPS_TOKEN, so that /metrics and /docs are never served open', async () => {
    const { code, stderr } = await runService({
      NODE_ENV: 'production',
      PORT: String(await freePort()),
      RECOGNIZE_BASE_URL: 'https://recognize.example/v2',
      RECOGNIZE_API_KEY: randomBytes(32).toString('base64url'),
      CLIENTS: JSON.stringify([{ id: 'bank-app', apiKey: randomBytes(32).toString('base64url') }]),
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/OPS_TOKEN is required when NODE_ENV=production/);
  });

  it('stops at a private key in RECEIPT_PUBLIC_KEYS, naming the variable and never echoing the key', async () => {
    const leaked = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'jwk' });
    const { code, stderr } = await runService({
      NODE_ENV: 'production',
      PORT: String(await freePort()),
      RECOGNIZE_BASE_URL: 'https://recognize.example/v2',
      RECOGNIZE_API_KEY: randomBytes(32).toString('base64url'),
      CLIENTS: JSON.stringify([{ id: 'bank-app', apiKey: randomBytes(32).toString('base64url') }]),
      OPS_TOKEN: randomBytes(32).toString('base64url'),
      RECEIPT_SIGNING_KEY: generateReceiptKeyPem(),
      RECEIPT_PUBLIC_KEYS: JSON.stringify({ keys: [{ kid: 'retired-1', ...leaked }] }),
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/Invalid configuration:[\s\S]*RECEIPT_PUBLIC_KEYS keys\[0\] has a private part \(d\)/);
    expect(stderr).not.toContain(leaked.d as string);
  });
});
