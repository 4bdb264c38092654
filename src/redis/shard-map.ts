import calculateSlot from 'cluster-key-slot';
import { crc32 } from 'node:zlib';

/** Slots of a Redis Cluster (CLUSTER KEYSLOT is CRC16 of the hash tag, modulo this). */
const CLUSTER_SLOTS = 16_384;

/**
 * The logical shards approvals are spread over (REDIS_SHARDS). Each shard is one hash tag, so every
 * key of one approval — and every per-shard set, stream and queue its scripts touch with it — sits in
 * one Cluster slot, and the shards together spread the load over every master.
 *
 * An approval's shard is CRC32 of its id modulo the count: stable across processes and restarts, and
 * known from the id alone, so a GET by id or an events token needs no directory. Changing the count
 * moves approvals between shards: it is fixed for a deployment's life (docs/operating.md, "Changing
 * REDIS_SHARDS").
 *
 * On one Redis with one shard the prefix is used as it is, so that layout is the one the service
 * always had. Otherwise shard k's prefix is `{<prefix>:<tag>}`, with tags chosen so that the k-th
 * shard's slot falls in the middle of the k-th of `count` equal ranges of the 16,384 slots: masters own
 * contiguous slot ranges (`redis-cli --cluster create` splits them evenly), so the shards divide over
 * the masters as evenly as their count allows. Naive tags (`s0`, `s1`, …) fell 6/6/4 over three
 * masters for 16.
 */
export class ShardMap {
  private readonly prefixes: string[];
  /** 0 … count − 1, for loops over every shard. */
  readonly all: readonly number[];

  constructor(
    readonly prefix: string,
    readonly count: number,
    /** Whether keys must carry hash tags (a Redis Cluster). */
    readonly clustered: boolean,
  ) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`shard count must be a positive integer (got ${count})`);
    this.all = Array.from({ length: count }, (_, k) => k);
    this.prefixes = count === 1 && !clustered ? [prefix] : this.all.map((k) => `{${prefix}:${ShardMap.tagFor(prefix, k, count)}}`);
  }

  /** The shard of an approval (or of anything keyed by an approval id). */
  of(approvalId: string): number {
    return this.count === 1 ? 0 : crc32(approvalId) % this.count;
  }

  /** Prefix of every key of shard k: `<prefix>` or `{<prefix>:<tag>}`. */
  prefixOf(shard: number): string {
    const p = this.prefixes[shard];
    if (p === undefined) throw new Error(`no shard ${shard} of ${this.count}`);
    return p;
  }

  /**
   * The first tag `s<k>` or `s<k>-<n>` whose slot lies in the middle quarter of shard k's range: a
   * slot near the middle stays on one side of the master boundaries `redis-cli --cluster create` draws
   * (every 16,384 / masters slots) when they cross the range off its middle, so 16 shards fall 5/6/5
   * over three masters whatever the prefix, where a slot anywhere in the range fell 6/4/6 for some.
   * Found within about 4 × count tries (CRC16 spreads evenly): 1 ms at start for 16 shards, 0.8 s
   * for 1,024 (measured on a 2-vCPU VM).
   */
  static tagFor(prefix: string, shard: number, count: number): string {
    const from = (shard * CLUSTER_SLOTS) / count;
    const width = CLUSTER_SLOTS / count;
    const low = Math.floor(from + (3 * width) / 8);
    const high = Math.max(low + 1, Math.ceil(from + (5 * width) / 8));
    for (let n = 0; ; n++) {
      const tag = n === 0 ? `s${shard}` : `s${shard}-${n}`;
      const slot = calculateSlot(`{${prefix}:${tag}}`);
      if (slot >= low && slot < high) return tag;
    }
  }
}
