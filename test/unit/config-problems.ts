import { ConfigError, loadConfig } from '../../src/config/config.loader';

/** The problems loadConfig names for `env`; none when the configuration is valid. */
export function configProblemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}
