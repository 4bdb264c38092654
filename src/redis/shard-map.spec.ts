import calculateSlot from 'cluster-key-slot';
import fc from 'fast-check';
import { ShardMap } from './shard-map';

/** The slot ranges `redis-cli --cluster create` gives three masters. */
const THREE_MASTERS = [
  [0, 5460],
  [5461, 10922],
  [10923, 16383],
];

describe(ShardMap.name, () => {
  it('gives every id one shard, the same in every process, within the count', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.integer({ min: 1, max: 64 }), (id, count) => {
        const shard = new ShardMap('stepup', count, true).of(id);
        expect(shard).toBe(new ShardMap('stepup', count, true).of(id));
        expect(shard).toBeGreaterThanOrEqual(0);
        expect(shard).toBeLessThan(count);
      }),
    );
  });

  it("puts the k-th shard's tag in the middle of the k-th of count equal slot ranges, so 16 shards fall 5/6/5 over three masters, whatever the prefix", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/), (prefix) => {
        const map = new ShardMap(prefix, 16, true);
        const slots = map.all.map((k) => calculateSlot(map.prefixOf(k)));
        expect(THREE_MASTERS.map(([from, to]) => slots.filter((s) => s >= from && s <= to).length)).toEqual([5, 6, 5]);
      }),
      { numRuns: 300 },
    );
    const map = new ShardMap('stepup', 16, true);
    const slots = map.all.map((k) => calculateSlot(map.prefixOf(k)));
    map.all.forEach((k) => {
      expect(slots[k]).toBeGreaterThanOrEqual((k * 16384) / 16);
      expect(slots[k]).toBeLessThan(((k + 1) * 16384) / 16);
    });
  });

  it('spreads 1,000 ids over 16 shards within 1.3× of even', () => {
    const map = new ShardMap('stepup', 16, true);
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 1000; i++) counts[map.of(`op-${i}`)] += 1;
    expect(Math.max(...counts)).toBeLessThanOrEqual(1.3 * (1000 / 16));
  });

  it('keeps the prefix as it is on one Redis with one shard, and tags it otherwise', () => {
    expect(new ShardMap('stepup', 1, false).prefixOf(0)).toBe('stepup');
    expect(new ShardMap('stepup', 1, true).prefixOf(0)).toMatch(/^\{stepup:s0[^}]*\}$/);
    expect(new ShardMap('stepup', 4, false).prefixOf(3)).toMatch(/^\{stepup:s3[^}]*\}$/);
  });

  it('refuses a shard it does not have', () => {
    expect(() => new ShardMap('stepup', 2, true).prefixOf(2)).toThrow(/no shard 2 of 2/);
  });
});
