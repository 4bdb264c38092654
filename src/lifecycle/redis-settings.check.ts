import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import Redis, { Cluster } from 'ioredis';
import { AppConfig } from '../config/app.config';
import { REDIS } from '../redis/redis.module';

/**
 * BullMQ and the approval store lose data silently if Redis evicts keys, and a restart without
 * persistence loses every pending approval and queued job. Warn at start when Redis says so;
 * managed Redis often disables CONFIG, in which case the operator has to check by hand.
 */
@Injectable()
export class RedisSettingsCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger(RedisSettingsCheck.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.check();
  }

  /**
   * The warnings of every Redis the data lives on: the one Redis (or Sentinel's master), or each
   * master of a cluster, named, since every master holds shards of the data.
   */
  async check(): Promise<string[]> {
    const cluster = this.redis as unknown;
    // On a cluster, the masters are known once the client has the slot map: any command waits for it.
    if (cluster instanceof Cluster) await this.redis.ping().catch(() => undefined);
    const nodes: { name?: string; redis: Redis }[] =
      cluster instanceof Cluster
        ? cluster.nodes('master').map((node) => ({ name: `${node.options.host}:${node.options.port}`, redis: node }))
        : [{ redis: this.redis }];
    const warnings: string[] = [];
    for (const node of nodes) {
      let settings: Record<string, string>;
      try {
        settings = await this.settingsOf(node.redis);
      } catch (err) {
        this.logger.warn(
          `Could not read the Redis configuration${node.name ? ` of master ${node.name}` : ''} (${(err as Error).message}): make sure maxmemory-policy is noeviction and persistence is on`,
        );
        continue;
      }
      warnings.push(...redisSettingsWarnings(settings).map((w) => (node.name ? `Master ${node.name}: ${w}` : w)));
    }
    warnings.forEach((w) => this.logger.warn(w));
    return warnings;
  }

  private async settingsOf(redis: Redis): Promise<Record<string, string>> {
    return {
      ...(await this.read(redis, 'maxmemory-policy')),
      ...(await this.read(redis, 'appendonly')),
      ...(await this.read(redis, 'save')),
      ...((this.config.redis.sentinels || this.config.runtime.clusterNodes) && (await this.read(redis, 'min-replicas-to-write'))),
      ...(this.config.runtime.clusterNodes && (await this.read(redis, 'cluster-require-full-coverage'))),
    };
  }

  private async read(redis: Redis, name: string): Promise<Record<string, string>> {
    const reply = (await redis.config('GET', name)) as string[];
    const pairs: Record<string, string> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) pairs[reply[i]] = reply[i + 1];
    return pairs;
  }
}

export function redisSettingsWarnings(settings: Record<string, string>): string[] {
  const warnings: string[] = [];
  const policy = settings['maxmemory-policy'];
  if (policy !== undefined && policy !== 'noeviction') {
    warnings.push(
      `Redis maxmemory-policy is ${policy}: set it to noeviction, or Redis may evict approvals and queued jobs under memory pressure`,
    );
  }
  const aof = settings.appendonly;
  const snapshots = settings.save;
  if (aof === 'no' && snapshots !== undefined && snapshots.trim() === '') {
    warnings.push(
      'Redis persists nothing (appendonly no, no save points): a Redis restart loses every pending approval and queued job; enable appendonly',
    );
  } else if (aof === 'no') {
    warnings.push('Redis appendonly is off: a Redis restart loses what changed since the last snapshot; enable appendonly (everysec)');
  }
  // Read only behind Sentinel or on a cluster: a master cut off from its replica goes on accepting writes that the
  // failover will discard, unless it refuses them (NOREPLICAS) after min-replicas-max-lag.
  if (settings['min-replicas-to-write'] === '0') {
    warnings.push(
      'Redis min-replicas-to-write is 0: a master cut off from its replica accepts writes a failover discards; set min-replicas-to-write 1 and min-replicas-max-lag 2',
    );
  }
  // Read only with a cluster: with full coverage required, one master's failover stops every master.
  if (settings['cluster-require-full-coverage'] === 'yes') {
    warnings.push('Redis cluster-require-full-coverage is yes: while one master fails over, every master refuses commands; set it to no');
  }
  return warnings;
}
