import fc from 'fast-check';
import { RedisKeys } from './redis.keys';

const PREFIX = '{stepup}';
const sut = new RedisKeys(PREFIX);

/** Every key of one object, by kind; the fixed keys are listed apart. */
const PER_ID: Record<string, (id: string) => string> = {
  approval: (id) => sut.approval(id),
  approvalEvents: (id) => sut.approvalEvents(id),
  approvalDeliveries: (id) => sut.approvalDeliveries(id),
  deliveryLease: (id) => sut.deliveryLease(id),
  reservation: (id) => sut.reservation(id),
  clientStored: (id) => sut.clientStored(id),
  scanCursor: (id) => sut.scanCursor(id),
  secret: (id) => sut.secret(id),
};
const FIXED = [
  sut.pendingApprovals(),
  sut.decisionsAwaitingDelivery(),
  sut.pollsDue(),
  sut.pollFailures(),
  sut.pendingDeliveries(),
  sut.eventStream(),
];
/** BullMQ keeps its keys under `<prefix>:<queue>:`. */
const QUEUES = ['poll', 'delivery', 'maintenance'];

const TAILS = [':events', ':deliveries', ':pending', '{x}', '}', '{', ':', '::', 'approval:', ':approval'];
const anyId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc
    .tuple(fc.stringOf(fc.constantFrom('a', 'b', ':', '{', '}', '-'), { minLength: 0, maxLength: 8 }), fc.constantFrom(...TAILS))
    .map(([s, t]) => s + t),
);
const kinds = Object.keys(PER_ID);

describe(RedisKeys.name, () => {
  it('never gives two objects the same key, whatever their ids', () => {
    fc.assert(
      fc.property(fc.constantFrom(...kinds), anyId, fc.constantFrom(...kinds), anyId, (kindA, idA, kindB, idB) => {
        const same = PER_ID[kindA](idA) === PER_ID[kindB](idB);
        expect(same).toBe(kindA === kindB && idA === idB);
      }),
      { numRuns: 5000 },
    );
  });

  it('never gives an object the key of an index, a stream or a queue', () => {
    fc.assert(
      fc.property(fc.constantFrom(...kinds), anyId, (kind, id) => {
        const key = PER_ID[kind](id);
        expect(FIXED).not.toContain(key);
        for (const queue of QUEUES) expect(key.startsWith(`${PREFIX}:${queue}:`)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the per-user limits of two clients apart', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
        fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
        fc.hexaString({ minLength: 1, maxLength: 128 }),
        (a, b, user) => {
          fc.pre(a !== b);
          expect(sut.userPending(a, user)).not.toBe(sut.userPending(b, user));
          expect(sut.userCreations(a, user)).not.toBe(sut.userCreations(b, user));
          expect(sut.userPending(a, user)).not.toBe(sut.userCreations(a, user));
        },
      ),
    );
  });

  it('lets SCAN MATCH on the record family find records only', () => {
    expect(sut.approval('x:events').startsWith(sut.approval(''))).toBe(true);
    for (const kind of kinds.filter((k) => k !== 'approval')) expect(PER_ID[kind]('x').startsWith(sut.approval(''))).toBe(false);
    for (const key of FIXED) expect(key.startsWith(sut.approval(''))).toBe(false);
  });
});
