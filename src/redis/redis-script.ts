import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Redis from 'ioredis';

type Arg = string | number;

/** A Lua script bound to one connection: its keys, then its arguments; resolves to what the script returns. */
export type RedisScript<Args extends readonly Arg[], Result> = (keys: readonly string[], ...args: Args) => Promise<Result>;

/**
 * Registers the Lua of `dir/<name>-<numKeys>.lua` on `redis` (EVALSHA, falling back to EVAL once per
 * connection) and returns it as a typed function. As BullMQ names its commands, the file name carries
 * the number of keys, checked on every call; a file without it (`<name>.lua`) takes any number.
 * The `.lua` files sit beside the code that runs them, in `src/` for ts-jest and copied to `dist/` by
 * the build. Redis runs a script to completion without interleaving: that is why they exist.
 */
export function defineScript<Args extends readonly Arg[], Result>(redis: Redis, dir: string, file: string): RedisScript<Args, Result> {
  const lua = readFileSync(join(dir, file), 'utf8');
  const [, name, fixedKeys] = /^([a-z0-9-]+?)(?:-(\d+))?\.lua$/.exec(basename(file)) ?? [];
  if (!name) throw new Error(`${file}: a script file is named <name>-<numKeys>.lua or <name>.lua`);
  const command = name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  // No numberOfKeys: every call passes its key count first, so one shape fits fixed and variable keys.
  redis.defineCommand(command, { lua });
  const run = (redis as unknown as Record<string, (...args: Arg[]) => Promise<Result>>)[command].bind(redis);
  const numKeys = fixedKeys === undefined ? undefined : Number(fixedKeys);
  return (keys, ...args) => {
    if (numKeys !== undefined && keys.length !== numKeys) throw new Error(`${file} takes ${numKeys} keys, got ${keys.length}`);
    return run(keys.length, ...keys, ...args);
  };
}
