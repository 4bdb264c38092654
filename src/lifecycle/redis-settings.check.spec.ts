import { redisSettingsWarnings } from './redis-settings.check';

describe(redisSettingsWarnings.name, () => {
  it('is silent for noeviction with AOF on', () => {
    expect(redisSettingsWarnings({ 'maxmemory-policy': 'noeviction', appendonly: 'yes', save: '' })).toEqual([]);
  });

  it('warns about an eviction policy', () => {
    expect(redisSettingsWarnings({ 'maxmemory-policy': 'allkeys-lru', appendonly: 'yes' }).join()).toMatch(/noeviction/);
  });

  it('warns when Redis persists nothing, and when only snapshots are on', () => {
    expect(redisSettingsWarnings({ 'maxmemory-policy': 'noeviction', appendonly: 'no', save: '' }).join()).toMatch(/persists nothing/);
    expect(redisSettingsWarnings({ 'maxmemory-policy': 'noeviction', appendonly: 'no', save: '3600 1' }).join()).toMatch(
      /appendonly is off/,
    );
  });

  it('warns when a Sentinel or cluster master accepts writes without a replica, and when a cluster requires full coverage', () => {
    const base = { 'maxmemory-policy': 'noeviction', appendonly: 'yes' };
    expect(redisSettingsWarnings({ ...base, 'min-replicas-to-write': '0' }).join()).toMatch(/min-replicas-to-write/);
    expect(redisSettingsWarnings({ ...base, 'min-replicas-to-write': '1' })).toEqual([]);
    expect(redisSettingsWarnings({ ...base, 'cluster-require-full-coverage': 'yes' }).join()).toMatch(/full-coverage is yes/);
    expect(redisSettingsWarnings({ ...base, 'cluster-require-full-coverage': 'no' })).toEqual([]);
  });
});
