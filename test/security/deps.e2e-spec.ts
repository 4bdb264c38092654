import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('dependencies', () => {
  it('have one version of every package on the request path and match the lock file (scripts/check-deps, offline)', () => {
    const run = spawnSync(join(__dirname, '..', '..', 'scripts', 'check-deps'), {
      encoding: 'utf8',
      env: { ...process.env, npm_config_offline: 'true' },
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(/one version each/);
  });
});
