import { Queue } from 'bullmq';
import { ApprovalsService } from '../approvals/approvals.service';
import { AppConfig } from '../config/app.config';
import { strictMock } from '../../test/unit/strict-mock';
import { TELEMETRY_WINDOW_MS } from './outcome-rules';
import { PollReconciler } from './poll.reconciler';
import { PollsStore } from './polls.store';

const config = { polling: { tickMs: 1000 } } as AppConfig;

describe(PollReconciler.name, () => {
  let approvals: jest.Mocked<ApprovalsService>;
  let polls: jest.Mocked<PollsStore>;
  let sut: PollReconciler;
  /** Pending approvals by id, with their deadlines (ms). */
  let pending: Map<string, number>;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T01:00:00Z') });
    pending = new Map();
    const queue = strictMock<Queue>({ getJobScheduler: async () => ({ every: 1000, next: Date.now() + 1000 }) }, 'queue');
    approvals = strictMock<ApprovalsService>(
      {
        shards: [0],
        pendingIdsExpiringBefore: async (_shard: number, beforeMs: number, count: number) =>
          [...pending]
            .filter(([, at]) => at < beforeMs)
            .map(([id]) => id)
            .slice(0, count),
        pendingIds: async (_shard: number, offset: number, count: number) => [...pending.keys()].slice(offset, offset + count),
        finish: async (id: string, status: string) => {
          pending.delete(id);
          return { id, status };
        },
      },
      'approvals',
    );
    polls = strictMock<PollsStore>({ follow: async (_shard: number, ids: string[]) => ids.length }, 'polls');
    sut = new PollReconciler(queue, approvals, polls, config);
  });
  afterEach(() => jest.useRealTimers());

  it('expires approvals long past their deadline without polling them, and follows the others', async () => {
    const now = Date.now();
    pending.set('long-overdue', now - TELEMETRY_WINDOW_MS - 1);
    pending.set('just-overdue', now - 1000);
    pending.set('running', now + 60_000);
    expect(await sut.reconcile()).toBe(2);
    expect(approvals.finish).toHaveBeenCalledTimes(1);
    expect(approvals.finish).toHaveBeenCalledWith('long-overdue', 'expired');
    expect(polls.follow).toHaveBeenCalledWith(0, ['just-overdue', 'running'], now);
  });
});
