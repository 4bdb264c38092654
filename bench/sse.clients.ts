import { Agent, ClientRequest, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { runPool } from './stats';

const TERMINAL = new Set(['approval.approved', 'approval.rejected', 'approval.expired', 'approval.cancelled', 'approval.failed']);

/** Many browsers following their approvals: raw streaming GETs on eventsUrl, parsing `event:` lines. */
export class SseClients {
  /** First terminal event per approval id. */
  readonly arrivals = new Map<string, number>();
  private readonly requests = new Map<string, ClientRequest>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  open = 0;
  failed = 0;
  lastFailure?: string;

  constructor(private readonly baseUrl: string) {}

  /** Opens one stream per approval, `concurrency` handshakes at a time; resolves when every one answered. */
  async connect(approvals: { id: string; eventsUrl: string }[], concurrency = 100): Promise<void> {
    await runPool(approvals.length, concurrency, (i) => this.connectOne(approvals[i].id, approvals[i].eventsUrl));
  }

  closeAll(): void {
    for (const req of this.requests.values()) req.destroy();
    this.requests.clear();
    this.agent.destroy();
  }

  private connectOne(id: string, eventsUrl: string): Promise<void> {
    return new Promise((resolve) => {
      let answered = false;
      const req = request(`${this.baseUrl}${eventsUrl}`, { agent: this.agent, headers: { accept: 'text/event-stream' } }, (res) => {
        answered = true;
        if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/event-stream')) {
          this.fail(`HTTP ${res.statusCode} ${res.headers['content-type'] ?? ''}`);
          res.resume();
          return resolve();
        }
        this.open += 1;
        resolve();
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, end).replace(/\r$/, '');
            buffer = buffer.slice(end + 1);
            if (line.startsWith('event:') && TERMINAL.has(line.slice(6).trim()) && !this.arrivals.has(id))
              this.arrivals.set(id, performance.now());
          }
        });
        res.on('close', () => {
          this.open -= 1;
          this.requests.delete(id);
        });
      });
      req.on('error', (err) => {
        this.requests.delete(id);
        if (!answered) {
          this.fail(err.message);
          resolve();
        }
      });
      req.setTimeout(0);
      req.end();
      this.requests.set(id, req);
    });
  }

  private fail(reason: string): void {
    this.failed += 1;
    this.lastFailure = reason;
  }
}
