import { Agent, request } from 'node:http';

export interface CreatedApproval {
  id: string;
  eventsUrl: string;
}

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

  createApproval(body: { userId: string; operationId: string; timeoutSeconds: number; message?: string }): Promise<CreatedApproval> {
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
            resolve({ id: approval.id, eventsUrl: approval.eventsUrl });
          });
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('POST /v1/approvals timed out')));
      req.once('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
