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

  private async post(body: CreateBody): Promise<CreatedApproval> {
    const { status, text } = await this.postJson('/v1/approvals', body, 'POST /v1/approvals');
    if (status !== 201) throw new Error(`POST /v1/approvals answered ${status}: ${text.slice(0, 200)}`);
    const approval = JSON.parse(text) as CreatedApproval;
    return { id: approval.id, eventsUrl: approval.eventsUrl, transactionData: approval.transactionData };
  }

  /** POST /v1/approvals/{id}/signature with a transaction JWT; resolves to the answer's status. */
  async submitSignature(id: string, jwt: string): Promise<number> {
    return (await this.postJson(`/v1/approvals/${encodeURIComponent(id)}/signature`, { jwt }, 'POST …/signature')).status;
  }

  /** One JSON POST with the client's key on a kept-alive connection; resolves to the answer's status and body. */
  private postJson(path: string, body: unknown, label: string): Promise<{ status: number; text: string }> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.baseUrl}${path}`,
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
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`${label} timed out`)));
      req.once('error', (err: NodeJS.ErrnoException) =>
        reject(req.reusedSocket && err.code === 'ECONNRESET' ? new StaleConnectionError(err.message) : err),
      );
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
