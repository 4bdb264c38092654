import { eventIdOf } from './approval-event';
import { ApprovalStatus } from './approval';

describe(eventIdOf.name, () => {
  const record = { id: 'op_1', createdAt: '2026-12-07T05:00:00.000Z', status: 'approved' as ApprovalStatus };

  it('gives an approval decided again the same way (after a rollback) the same event id', () => {
    expect(eventIdOf({ ...record })).toBe(eventIdOf(record));
    expect(eventIdOf(record)).toMatch(/^evt_[0-9a-f]{32}$/);
  });

  it('differs by status, and for a later approval that reuses the operationId', () => {
    const ids = new Set([
      eventIdOf(record),
      eventIdOf({ ...record, status: 'pending' }),
      eventIdOf({ ...record, status: 'rejected' }),
      eventIdOf({ ...record, createdAt: '2026-12-08T05:00:00.000Z' }),
      eventIdOf({ ...record, id: 'op_2' }),
    ]);
    expect(ids.size).toBe(5);
  });
});
