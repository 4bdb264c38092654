import Redis from 'ioredis';

/**
 * Bytes one Redis holds under `prefix` (MEMORY USAGE of every key, nested values counted in full).
 * On a cluster the prefix sits inside hash tags, `{<prefix>:<tag>}:…` and BullMQ's `{<prefix>}:…`,
 * hence the match. A cluster node answers for its own keys only: sum the masters.
 */
export async function prefixMemory(redis: Redis, prefix: string): Promise<{ keys: number; bytes: number }> {
  let keys = 0;
  let bytes = 0;
  for await (const batch of redis.scanStream({ match: `*${prefix}[:}]*`, count: 1000 }) as AsyncIterable<string[]>) {
    if (!batch.length) continue;
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    for (const [err, usage] of (await pipeline.exec()) ?? []) {
      if (err || usage === null) continue;
      keys += 1;
      bytes += Number(usage);
    }
  }
  return { keys, bytes };
}

export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
}

/** Redis CPU seconds (user + system) so far: the server's own counters. */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return read('used_cpu_user') + read('used_cpu_sys');
}

/** INFO commandstats: calls and µs spent per command so far (a script's own calls are counted in it and apart). */
export async function commandStats(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (m) stats.set(m[1], { calls: Number(m[2]), usec: Number(m[3]) });
  }
  return stats;
}

/** The `count` commands that took the most time between two commandstats readings, most first. */
export function busiestCommands(
  before: Map<string, { calls: number; usec: number }>,
  after: Map<string, { calls: number; usec: number }>,
  count: number,
): { command: string; calls: number; usec: number }[] {
  return [...after]
    .map(([command, a]) => ({
      command,
      calls: a.calls - (before.get(command)?.calls ?? 0),
      usec: a.usec - (before.get(command)?.usec ?? 0),
    }))
    .filter((c) => c.calls > 0)
    .sort((x, y) => y.usec - x.usec)
    .slice(0, count);
}

/** Removes every key of the run. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>) {
    if (batch.length) deleted += await redis.unlink(...batch);
  }
  return deleted;
}
