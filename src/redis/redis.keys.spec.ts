import fc from 'fast-check';
import calculateSlot from 'cluster-key-slot';
import { RedisKeys } from './redis.keys';
import { ShardMap } from './shard-map';

const PREFIX = 'stepup';
/** Sharded as on a cluster: the rules below must hold across shards and scopes, not only under one prefix. */
const sut = new RedisKeys(PREFIX, new ShardMap(PREFIX, 4, true));

/** Every key of one object, by kind; the fixed keys are listed apart. */
const PER_ID: Record<string, (id: string) => string> = {
  approval: (id) => sut.approval(id),
  approvalEvents: (id) => sut.approvalEvents(id),
  approvalDeliveries: (id) => sut.approvalDeliveries(id),
  deliveryLease: (id) => sut.deliveryLease(id),
  reservation: (id) => sut.reservation(id),
  clientStored: (id) => sut.clientStored(id),
  scanCursor: (id) => sut.scanCursor(id, 0),
  cibaRequest: (id) => sut.cibaRequest(id),
  cibaPing: (id) => sut.cibaPing(id),
  secret: (id) => sut.secret(id),
};
const FIXED = sut.shards.all.flatMap((shard) => [
  sut.pendingApprovals(shard),
  sut.decisionsAwaitingDelivery(shard),
  sut.pollsDue(shard),
  sut.pollFailures(shard),
  sut.pendingDeliveries(shard),
  sut.eventStream(shard),
  sut.replicaWait(shard),
]);
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
        for (const scope of [PREFIX, `{${PREFIX}}`, ...sut.shards.all.map((k) => sut.shards.prefixOf(k))])
          for (const queue of QUEUES) expect(key.startsWith(`${scope}:${queue}:`)).toBe(false);
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

  it("lets SCAN MATCH on a shard's record family find that shard's records only", () => {
    fc.assert(
      fc.property(anyId, (id) => {
        const shard = sut.shardOf(id);
        for (const k of sut.shards.all) expect(sut.approval(id).startsWith(sut.approvalPrefix(k))).toBe(k === shard);
        for (const kind of kinds.filter((k) => k !== 'approval'))
          expect(PER_ID[kind](id).startsWith(sut.approvalPrefix(shard))).toBe(false);
        for (const key of FIXED) expect(key.startsWith(sut.approvalPrefix(shard))).toBe(false);
      }),
    );
  });

  it("puts every key a script of one approval names in its shard's slot", () => {
    fc.assert(
      fc.property(
        anyId,
        fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
        fc.hexaString({ minLength: 1, maxLength: 128 }),
        (id, client, user) => {
          const shard = sut.shardOf(id);
          const slot = calculateSlot(sut.pollsDue(shard));
          const scriptKeys = [
            sut.approval(id),
            sut.approvalEvents(id),
            sut.approvalDeliveries(id),
            sut.reservation(id),
            sut.pendingApprovals(shard),
            sut.decisionsAwaitingDelivery(shard),
            sut.pollFailures(shard),
            sut.pendingDeliveries(shard),
            sut.eventStream(shard),
            sut.clientApprovals(client, shard),
            sut.clientUserApprovals(client, user, shard),
            sut.clientDeliveries(client, 'dead', shard),
            sut.clientDeliveries(client, 'pending', shard),
          ];
          for (const key of scriptKeys) expect(calculateSlot(key)).toBe(slot);
        },
      ),
    );
  });

  it("puts one client's limits and stream leases in one slot", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
        fc.hexaString({ minLength: 1, maxLength: 128 }),
        anyId,
        (client, user, id) => {
          const slot = calculateSlot(sut.clientStored(client));
          expect(calculateSlot(sut.userPending(client, user))).toBe(slot);
          expect(calculateSlot(sut.userCreations(client, user))).toBe(slot);
          expect(calculateSlot(sut.sseStreams(client, 'client', client))).toBe(slot);
          expect(calculateSlot(sut.sseStreams(client, 'approval', id))).toBe(slot);
        },
      ),
    );
  });

  it('keeps the layout of one Redis with one shard: the prefix as it is, no hash tags', () => {
    const plain = new RedisKeys(PREFIX);
    expect(plain.approval('op-1')).toBe('stepup:approval:op-1');
    expect(plain.pollsDue(0)).toBe('stepup:polls:due');
    expect(plain.clientApprovals('bank', 0)).toBe('stepup:client:bank:approvals');
    expect(plain.userPending('bank', 'AB')).toBe('stepup:user-pending:bank:AB');
  });
});
