import { AddressInfo } from 'node:net';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import {
  CryptoKey,
  JWK,
  SignJWT,
  calculateJwkThumbprint,
  compactVerify,
  createLocalJWKSet,
  exportJWK,
  exportSPKI,
  generateKeyPair,
} from 'jose';

export type TestAlg = 'RS256' | 'ES256';

export interface TestKey {
  alg: TestAlg;
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
  pem: string;
}

export async function makeTestKey(alg: TestAlg): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  return { alg, kid, privateKey, publicKey, jwk: { ...exported, kid, alg, use: 'sig' }, pem: await exportSPKI(publicKey) };
}

/**
 * A transaction JWT as the Recognize SDK returns it: `td`, `iat`, optional `exp`, header `kid`.
 * `iat` is now unless `claims` names it (`iat: undefined` leaves it out).
 */
export function signTransaction(key: TestKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const withIat = 'iat' in claims ? claims : { ...claims, iat: Math.floor(Date.now() / 1000) };
  return new SignJWT(JSON.parse(JSON.stringify(withIat)) as Record<string, unknown>)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
    .sign(key.privateKey);
}

/**
 * Recognize's key endpoints on 127.0.0.1: the key set, the PEM public key and the verify-JWT call,
 * with counters and switches to make each of them fail.
 */
export class RecognizeKeysServer {
  keys: TestKey[] = [];
  pemKey?: TestKey;
  publicKeyStatus = 200;
  verifyStatus = 200;
  readonly hits = { jwks: 0, publicKey: 0, verify: 0 };
  readonly apiKeys: (string | undefined)[] = [];
  private server?: Server;

  static readonly JWKS_PATH = '/customers/acme/.well-known/jwks.json';

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.apiKeys.push(req.headers['x-api-key'] as string | undefined);
    if (req.method === 'GET' && req.url === RecognizeKeysServer.JWKS_PATH) {
      this.hits.jwks++;
      return json(res, 200, { keys: this.keys.map((k) => k.jwk) });
    }
    if (req.method === 'GET' && req.url === '/v2/jwt/public-key') {
      this.hits.publicKey++;
      if (this.publicKeyStatus !== 200 || !this.pemKey) return json(res, this.publicKeyStatus === 200 ? 404 : this.publicKeyStatus, {});
      // The reference's example shows the PEM with its line breaks flattened into spaces.
      return json(res, 200, { publicKey: this.pemKey.pem.replace(/\n/g, ' ') });
    }
    if (req.method === 'POST' && req.url === '/v2/jwt/verify') {
      this.hits.verify++;
      const body = JSON.parse(await text(req)) as { jwt: string };
      if (this.verifyStatus !== 200) return json(res, this.verifyStatus, {});
      return json(res, 200, { result: await verifiesWithAny(body.jwt, this.keys) });
    }
    json(res, 404, {});
  }
}

async function verifiesWithAny(jwt: string, keys: TestKey[]): Promise<boolean> {
  try {
    await compactVerify(jwt, createLocalJWKSet({ keys: keys.map((k) => k.jwk) }));
    return true;
  } catch {
    return false;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

async function text(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
