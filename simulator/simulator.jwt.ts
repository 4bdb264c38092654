import { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonObject, readBody, sendJson, SimulatorError } from './simulator.http';
import { SignTransactionRequest, TransactionAlg, TransactionSigner } from './transaction-signer';

/**
 * Paths, under the API base, of "Get the customer public key in PEM format" and "Verify a signed JWT
 * message". Recognize's reference gives no paths; these are the service's defaults
 * (RECOGNIZE_PUBLIC_KEY_PATH, RECOGNIZE_VERIFY_JWT_PATH), so the simulator answers where the service asks.
 */
export const PUBLIC_KEY_PATH = '/jwt/public-key';
export const VERIFY_JWT_PATH = '/jwt/verify';

/** Recognize's documented key-set path, `{server}/customers/{tenant}/.well-known/jwks.json`. */
export function jwksPathOf(tenant: string): string {
  return `/customers/${encodeURIComponent(tenant)}/.well-known/jwks.json`;
}

/**
 * The key set (public: no API key, as Recognize publishes it for any verifier) and the JWT routes
 * under the API base (X-Api-Key, like the rest of the API); false when `path` is none of them.
 */
export async function serveKeys(
  signer: TransactionSigner,
  where: { jwksPath: string; basePath: string; apiKey: string },
  req: IncomingMessage,
  res: ServerResponse,
  fullPath: string,
): Promise<boolean> {
  if (fullPath === where.jwksPath && req.method === 'GET') {
    signer.keySetFetches += 1;
    sendJson(res, 200, signer.jwks(), {
      'Cache-Control': 'public, max-age=300',
    });
    return true;
  }
  if (!fullPath.startsWith(`${where.basePath}/jwt/`)) return false;
  if (req.headers['x-api-key'] !== where.apiKey) throw new SimulatorError(401, 'missing or invalid API key');
  return serveJwtApi(signer, req, res, fullPath.slice(where.basePath.length));
}

async function serveJwtApi(signer: TransactionSigner, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  if (path === PUBLIC_KEY_PATH && req.method === 'GET') {
    sendJson(res, 200, { publicKey: signer.publicKeyPem() });
    return true;
  }
  if (path === VERIFY_JWT_PATH && req.method === 'POST') {
    const body = parseJsonObject(await readBody(req), false);
    if (typeof body.jwt !== 'string' || body.jwt === '') throw new SimulatorError(400, 'jwt must be a non-empty string');
    sendJson(res, 200, { result: await signer.verify(body.jwt) });
    return true;
  }
  return false;
}

/** Checks the body of POST /_sim/transactions/sign. */
export function signRequestOf(body: Record<string, unknown>): SignTransactionRequest {
  const { td, alg, exp, nbf, iat, kid, iss } = body;
  const problems: string[] = [];
  if (typeof td !== 'string') problems.push('td must be a string');
  if (alg !== undefined && alg !== 'RS256' && alg !== 'ES256') problems.push('alg must be RS256 or ES256');
  for (const [name, value] of [
    ['exp', exp],
    ['nbf', nbf],
    ['iat', iat === null ? undefined : iat],
  ] as const) {
    if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= 0))
      problems.push(`${name} must be a NumericDate (integer seconds)`);
  }
  if (kid !== undefined && (typeof kid !== 'string' || kid === '')) problems.push('kid must be a non-empty string');
  if (iss !== undefined && iss !== null && typeof iss !== 'string') problems.push('iss must be a string or null');
  if (problems.length) throw new SimulatorError(400, problems.join('; '));
  return {
    td: td as string,
    ...(alg !== undefined && { alg: alg as TransactionAlg }),
    ...(exp !== undefined && { exp: exp as number }),
    ...(nbf !== undefined && { nbf: nbf as number }),
    ...(iat !== undefined && { iat: iat as number | null }),
    ...(iss !== undefined && { iss: iss as string | null }),
    ...(kid !== undefined && { kid: kid as string }),
  };
}
