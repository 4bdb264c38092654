import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** `docker compose` (the v2 plugin) when present, else Debian's `docker-compose`; both parse without an engine. */
const composeCommand: string[] = (() => {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore' });
    return ['docker', 'compose'];
  } catch {
    return ['docker-compose'];
  }
})();

function compose(args: string[]): string {
  const [command, ...base] = composeCommand;
  return execFileSync(command, [...base, ...args], { cwd: root, env: { ...process.env, NODE_ENV: 'development' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('Containers (checked by parsing: no Docker engine runs here)', () => {
  it('has a compose file that parses, with Redis, the service and the simulator profile', () => {
    compose(['--profile', 'simulator', 'config', '-q']);
    expect(compose(['--profile', 'simulator', 'config', '--services']).trim().split('\n').sort()).toEqual(['orchestrator', 'recognize-simulator', 'redis']);
  });

  it('runs Redis with AOF and noeviction, and every service with a healthcheck', () => {
    const resolved = compose(['--profile', 'simulator', 'config']);
    expect(resolved).toMatch(/--appendonly[\s\S]*yes/);
    expect(resolved).toMatch(/--maxmemory-policy[\s\S]*noeviction/);
    expect(resolved.match(/healthcheck:/g)?.length).toBe(3);
  });

  it('builds in stages and runs as a non-root user with production dependencies only', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER (?!root)\S+/m);
    expect(dockerfile).toMatch(/npm ci[^\n]*--omit=dev/);
  });
});
