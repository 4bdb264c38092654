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
});
