import { ClaimedPoll, PollWriteBack } from '../../src/polling/polls.store';

/**
 * An in-memory PollsStore with the same claim, lease and write-back rules as its Lua scripts, over
 * `shardCount` shards (an id's shard: its last character's code, modulo the count).
 */
export class FakePollsStore {
  readonly due = new Map<string, number>();
  readonly failures = new Map<string, number>();
  readonly pending = new Set<string>();
  readonly shards: readonly number[];
  claims = 0;

  constructor(shardCount = 1) {
    this.shards = Array.from({ length: shardCount }, (_, k) => k);
  }

  shardOf(id: string): number {
    return id.charCodeAt(id.length - 1) % this.shards.length;
  }

  async claim(shard: number, nowMs: number, leaseUntilMs: number, max: number): Promise<ClaimedPoll[]> {
    this.claims += 1;
    const ids = [...this.due]
      .filter(([id, at]) => at <= nowMs && this.shardOf(id) === shard)
      .sort((a, b) => a[1] - b[1])
      .slice(0, max)
      .map(([id]) => id);
    for (const id of ids) this.due.set(id, leaseUntilMs);
    return ids.map((approvalId) => ({ approvalId, ...(this.failures.get(approvalId) && { failures: this.failures.get(approvalId) }) }));
  }

  async reschedule(results: PollWriteBack[]): Promise<number> {
    let rescheduled = 0;
    for (const r of results) {
      if (r.done) {
        this.due.delete(r.approvalId);
        this.failures.delete(r.approvalId);
      } else if (this.due.has(r.approvalId)) {
        this.due.set(r.approvalId, r.atMs);
        rescheduled += 1;
        if ((r.failures ?? 0) !== (r.previousFailures ?? 0)) {
          if (r.failures) this.failures.set(r.approvalId, r.failures);
          else this.failures.delete(r.approvalId);
        }
      }
    }
    return rescheduled;
  }

  async follow(_shard: number, ids: string[], atMs: number): Promise<number> {
    const fresh = ids.filter((id) => this.pending.has(id) && !this.due.has(id));
    for (const id of fresh) this.due.set(id, atMs);
    return fresh.length;
  }

  async stop(approvalId: string): Promise<void> {
    this.due.delete(approvalId);
  }
}
