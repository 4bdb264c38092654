import Redis from 'ioredis';

export interface WatchedEvent {
  approvalId: string;
  seq: number;
  event: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
}

/**
 * Awaits approval events as the service writes them to its Redis event stream, so that tests wait
 * for the event itself rather than sleeping or polling the API.
 */
export class EventWatcher {
  private readonly redis: Redis;
  private readonly seen: WatchedEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(
    url: string,
    private readonly stream: string,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: null });
    void this.loop();
  }

  all(approvalId: string): WatchedEvent[] {
    return this.seen.filter((e) => e.approvalId === approvalId);
  }

  /** Resolves with the first event of `approvalId` whose type is `type` (or any terminal one for 'terminal'). */
  async waitFor(approvalId: string, type: string, timeoutMs = 20_000): Promise<WatchedEvent> {
    const matches = (e: WatchedEvent) =>
      e.approvalId === approvalId && (type === 'terminal' ? e.event.type !== 'approval.pending' : e.event.type === type);
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.seen.find(matches);
        if (!found) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `no ${type} event for ${approvalId} within ${timeoutMs} ms; saw ${JSON.stringify(this.all(approvalId).map((e) => e.event.type))}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.closed = true;
    this.redis.disconnect();
  }

  private async loop(): Promise<void> {
    let last = '0';
    while (!this.closed) {
      try {
        const reply = (await this.redis.xread('BLOCK', 1000, 'STREAMS', this.stream, last)) as [string, [string, string[]][]][] | null;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            last = id;
            const f = Object.fromEntries(
              fields.reduce<[string, string][]>((acc, v, i) => (i % 2 ? acc : [...acc, [v, fields[i + 1]]]), []),
            );
            this.seen.push({ approvalId: f.a, seq: Number(f.s), event: JSON.parse(f.e) });
          }
        }
        this.waiters.forEach((w) => w());
      } catch {
        if (this.closed) return;
      }
    }
  }
}
