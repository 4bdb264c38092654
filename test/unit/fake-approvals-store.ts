import { transactionDataFor, transactionHashOf } from '../../src/transactions/transaction';
import { ApprovalRecord, isTerminal } from '../../src/approvals/approval';
import { ApprovalEvent, SequencedEvent } from '../../src/approvals/approval-event';
import { TransitionResult } from '../../src/approvals/approvals.store';

/** An in-memory ApprovalsStore with the same compare-and-set rule as the Lua script. */
export class FakeApprovalsStore {
  readonly records = new Map<string, ApprovalRecord>();
  readonly events = new Map<string, ApprovalEvent[]>();
  /** Decided approvals whose terminal event was not handed to delivery yet (the outbox). */
  readonly awaitingDelivery = new Set<string>();

  async create(record: ApprovalRecord, event: ApprovalEvent): Promise<boolean> {
    if (this.records.has(record.id)) return false;
    this.records.set(record.id, structuredClone(record));
    this.events.set(record.id, [event]);
    return true;
  }

  async get(id: string): Promise<ApprovalRecord | undefined> {
    const record = this.records.get(id);
    return record && structuredClone(record);
  }

  async transition(next: ApprovalRecord, event: ApprovalEvent, receivedAt?: string): Promise<TransitionResult> {
    const current = this.records.get(next.id);
    if (!current) return { applied: false, reason: 'missing' };
    if (isTerminal(current.status)) return { applied: false, reason: 'not_pending' };
    if (receivedAt !== undefined && receivedAt >= current.expiresAt) return { applied: false, reason: 'too_late' };
    this.records.set(next.id, structuredClone(next));
    const log = this.events.get(next.id) ?? [];
    log.push(event);
    this.events.set(next.id, log);
    if (isTerminal(next.status)) this.awaitingDelivery.add(next.id);
    return { applied: true, seq: log.length };
  }

  async markHandedToDelivery(id: string): Promise<void> {
    this.awaitingDelivery.delete(id);
  }

  readonly shards: readonly number[] = [0];

  async notHandedToDeliveryBefore(_shard: number, _beforeMs: number, count: number): Promise<string[]> {
    return [...this.awaitingDelivery].slice(0, count);
  }

  async enrich(record: ApprovalRecord): Promise<boolean> {
    const current = this.records.get(record.id);
    if (!current || current.status !== record.status) return false;
    this.records.set(record.id, structuredClone(record));
    return true;
  }

  async update(id: string, change: (record: ApprovalRecord) => ApprovalRecord | undefined): Promise<ApprovalRecord | undefined> {
    const current = this.records.get(id);
    if (!current) return undefined;
    const next = change(structuredClone(current));
    if (next) this.records.set(id, structuredClone(next));
    return structuredClone(next ?? current);
  }

  async deliveries(): Promise<never[]> {
    return [];
  }

  async lastEvent(id: string): Promise<SequencedEvent | undefined> {
    const log = this.events.get(id) ?? [];
    return log.length ? { seq: log.length, event: log[log.length - 1] } : undefined;
  }
}

export function makeApproval(overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  const now = Date.now();
  const transactionData = transactionDataFor(overrides.id ?? 'op-1', { message: overrides.message });
  return {
    id: 'op-1',
    transactionData,
    transactionHash: transactionHashOf(transactionData),
    clientId: 'bank-app',
    userId: 'A1B2C3D4E5F6',
    status: 'pending',
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 300_000).toISOString(),
    fingerprint: 'fp',
    ...overrides,
  };
}
