import { Agent, request } from 'node:http';

export interface CreatedApproval {
  id: string;
  eventsUrl: string;
  /** What the user's phone signs: the `td` of a transaction JWT for POST …/signature. */
  transactionData: string;
}

type CreateBody = { userId: string; operationId: string; timeoutSeconds: number; message?: string };

/** A request sent on a kept-alive connection that the server had already closed. */
class StaleConnectionError extends Error {}

/** The calling app: creates approvals over keep-alive connections, as a real client would. */
export class ServiceClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    maxSockets: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  async createApproval(body: CreateBody): Promise<CreatedApproval> {
    try {
      return await this.post(body);
    } catch (err) {
      // The server may close an idle keep-alive connection just as a request goes out on it (Node's
      // documented race: `reusedSocket` with ECONNRESET). The operationId makes the create idempotent,
      // so sending it once more is what a real client does, and is safe.
      if (!(err instanceof StaleConnectionError)) throw err;
      return this.post(body);
    }
  }

  private post(body: CreateBody): Promise<CreatedApproval> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.baseUrl}/v1/approvals`,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.apiKey}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 201) return reject(new Error(`POST /v1/approvals answered ${res.statusCode}: ${text.slice(0, 200)}`));
            const approval = JSON.parse(text) as CreatedApproval;
            resolve({ id: approval.id, eventsUrl: approval.eventsUrl, transactionData: approval.transactionData });
          });
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('POST /v1/approvals timed out')));
      req.once('error', (err: NodeJS.ErrnoException) =>
        reject(req.reusedSocket && err.code === 'ECONNRESET' ? new StaleConnectionError(err.message) : err),
      );
      req.end(payload);
    });
  }

  /** POST /v1/approvals/{id}/signature with a transaction JWT; resolves to the answer's status. */
  submitSignature(id: string, jwt: string): Promise<number> {
    const payload = JSON.stringify({ jwt });
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.baseUrl}/v1/approvals/${encodeURIComponent(id)}/signature`,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.apiKey}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('POST …/signature timed out')));
      req.once('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
