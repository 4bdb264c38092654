import { UpstreamUnavailableError } from '../common/app.errors';

export interface RecognizeKeysClientOptions {
  /** RECOGNIZE_BASE_URL, version path included. */
  baseUrl: string;
  /** RECOGNIZE_API_KEY, sent as X-Api-Key. */
  apiKey: string;
  /** RECOGNIZE_PUBLIC_KEY_PATH, relative to baseUrl. */
  publicKeyPath: string;
  /** RECOGNIZE_VERIFY_JWT_PATH, relative to baseUrl. */
  verifyJwtPath: string;
  timeoutMs: number;
}

/**
 * Recognize's "Get the customer public key in PEM format" and "Verify a signed JWT message". Their
 * paths and field names are not in the documents we have (recognize-api/jwt-signing.md), so the paths
 * are configuration and the shapes are read leniently: the key may come as a PEM text or as a JSON
 * object holding one; the verify call sends `{"jwt": …}` and reads the boolean `result`.
 */
export class RecognizeKeysClient {
  private static readonly MAX_BODY_BYTES = 64 * 1024;

  constructor(private readonly options: RecognizeKeysClientOptions) {}

  async getPublicKeyPem(): Promise<string> {
    const response = await this.send(this.options.publicKeyPath, {
      method: 'GET',
      headers: { Accept: 'application/json, application/x-pem-file, text/plain' },
    });
    if (response.status !== 200) throw unavailable(`public key endpoint answered ${response.status}`);
    return pemOf(await readBounded(response, RecognizeKeysClient.MAX_BODY_BYTES));
  }

  /**
   * Recognize's own judgement of the signature: true valid, false invalid. A 400 is Recognize refusing
   * this JWT (the reference says it takes only JWTs of a PIN signature), so it counts as invalid; other
   * failures say nothing about the JWT and are thrown as unavailability.
   */
  async verifyJwt(jwt: string): Promise<boolean> {
    const response = await this.send(this.options.verifyJwtPath, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ jwt }),
    });
    if (response.status === 400 || response.status === 422) return false;
    if (response.status !== 200) throw unavailable(`verify endpoint answered ${response.status}`);
    let body: unknown;
    try {
      body = JSON.parse(await readBounded(response, RecognizeKeysClient.MAX_BODY_BYTES));
    } catch {
      throw unavailable('verify endpoint answered something other than JSON');
    }
    const result = (body as { result?: unknown } | null)?.result;
    if (typeof result !== 'boolean') throw unavailable('verify endpoint answered without a boolean result');
    return result;
  }

  private async send(path: string, init: RequestInit & { headers: Record<string, string> }): Promise<Response> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
    try {
      // No redirects: the API key must only ever reach the configured host.
      return await fetch(url, {
        ...init,
        headers: { ...init.headers, 'X-Api-Key': this.options.apiKey },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      throw unavailable(timedOut ? `no answer within ${this.options.timeoutMs} ms` : 'connection failed');
    }
  }
}

function unavailable(reason: string): UpstreamUnavailableError {
  return new UpstreamUnavailableError(`Recognize could not check the signature: ${reason}`);
}

export async function readBounded(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw unavailable(`answer larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const PEM = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+?)-----END PUBLIC KEY-----/;

/** The PEM in a text or JSON answer, re-wrapped: the reference's example has the base64 on one line. */
export function pemOf(body: string): string {
  const match = PEM.exec(body.replace(/\\n/g, '\n'));
  if (!match) throw unavailable('public key endpoint answered without a PEM public key');
  const base64 = match[1].replace(/\s+/g, '');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return ['-----BEGIN PUBLIC KEY-----', ...lines, '-----END PUBLIC KEY-----', ''].join('\n');
}
