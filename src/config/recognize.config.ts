import { isKnownExample } from '../clients/secret-strength';

/** The API key the bundled simulator accepts when RECOGNIZE_API_KEY is unset. */
export const SIMULATOR_DEFAULT_API_KEY = 'simulator-api-key';

export interface RecognizeConfig {
  /** Unset: the bundled simulator is started in-process. */
  baseUrl?: string;
  apiKey: string;
  requestTimeoutMs: number;
  /** Per-instance circuit breaker: consecutive outage answers that open it, and its open time. */
  breaker: { threshold: number; halfOpenAfterMs: number };
}

export interface SimulatorConfig {
  /** Port of the in-process simulator; 0 picks a free one. */
  port: number;
  /** The simulator's control API (…/_sim), which the demo's phone panel drives; unset: no phone panel. */
  controlUrl?: string;
  /** Bearer token of the control API; also the in-process simulator's token when set. */
  controlToken?: string;
}

export interface RecognizeEnv {
  RECOGNIZE_BASE_URL?: string;
  RECOGNIZE_API_KEY?: string;
  RECOGNIZE_TIMEOUT_MS: number;
  RECOGNIZE_BREAKER_THRESHOLD: number;
  RECOGNIZE_BREAKER_HALF_OPEN_MS: number;
}

export interface SimulatorEnv {
  SIMULATOR_PORT: number;
  SIMULATOR_CONTROL_URL?: string;
  SIMULATOR_CONTROL_TOKEN?: string;
}

export function resolveRecognize(env: RecognizeEnv, production: boolean, problems: string[]): RecognizeConfig {
  if (!env.RECOGNIZE_BASE_URL && production) {
    problems.push('RECOGNIZE_BASE_URL is required when NODE_ENV=production (the simulator is for development only)');
  }
  // The Recognize key travels in a header: never in clear outside development.
  if (env.RECOGNIZE_BASE_URL && production && !/^https:/i.test(env.RECOGNIZE_BASE_URL)) {
    problems.push('RECOGNIZE_BASE_URL must be https when NODE_ENV=production');
  }
  if (env.RECOGNIZE_BASE_URL && !env.RECOGNIZE_API_KEY) {
    problems.push('RECOGNIZE_API_KEY is required when RECOGNIZE_BASE_URL is set');
  }
  if (production && env.RECOGNIZE_API_KEY && isKnownExample(env.RECOGNIZE_API_KEY)) {
    problems.push("RECOGNIZE_API_KEY is a published example value (the simulator's) (NODE_ENV=production)");
  }
  return {
    baseUrl: env.RECOGNIZE_BASE_URL?.replace(/\/+$/, ''),
    apiKey: env.RECOGNIZE_API_KEY ?? SIMULATOR_DEFAULT_API_KEY,
    requestTimeoutMs: env.RECOGNIZE_TIMEOUT_MS,
    breaker: { threshold: env.RECOGNIZE_BREAKER_THRESHOLD, halfOpenAfterMs: env.RECOGNIZE_BREAKER_HALF_OPEN_MS },
  };
}

export function resolveSimulator(env: SimulatorEnv, production: boolean, problems: string[]): SimulatorConfig {
  if (env.SIMULATOR_CONTROL_URL && production) {
    problems.push('SIMULATOR_CONTROL_URL is refused when NODE_ENV=production (the simulator is for development only)');
  }
  if (env.SIMULATOR_CONTROL_URL && !env.SIMULATOR_CONTROL_TOKEN) {
    problems.push('SIMULATOR_CONTROL_TOKEN is required when SIMULATOR_CONTROL_URL is set');
  }
  return {
    port: env.SIMULATOR_PORT,
    controlUrl: env.SIMULATOR_CONTROL_URL?.replace(/\/+$/, ''),
    controlToken: env.SIMULATOR_CONTROL_TOKEN,
  };
}
