import { RecognizeSimulator } from './recognize.simulator';

/** The API key the simulator accepts when none is given (the service's development default too). */
export const SIMULATOR_DEFAULT_API_KEY = 'simulator-api-key';

export interface SimulatorOptions {
  apiKey: string;
  port: number;
  /** Loopback unless said otherwise: whoever reaches the simulator can play any user's phone. */
  host: string;
  /** Unset: a random token, returned in `controlToken`. */
  controlToken?: string;
}

export interface StartedSimulator {
  /** The Recognize API base, with its version path: what RECOGNIZE_BASE_URL points at. */
  baseUrl: string;
  /** The control API (approve, reject, faults, stats); needs `Authorization: Bearer <controlToken>`. */
  controlUrl: string;
  controlToken: string;
  /** The key set of the simulated tenant's transaction JWTs, at Recognize's documented path: what RECOGNIZE_JWKS_URL points at. */
  jwksUrl: string;
  /** True when the token was generated here rather than given. */
  generatedToken: boolean;
  close(): Promise<void>;
}

/** Starts the bundled Recognize simulator: used by `node dist/main.js` in development and by the standalone process below. */
export async function startSimulator(options: SimulatorOptions): Promise<StartedSimulator> {
  const simulator = new RecognizeSimulator({ apiKey: options.apiKey, enrollment: 'open', controlToken: options.controlToken });
  const baseUrl = await simulator.listen(options.port, options.host);
  return {
    baseUrl,
    controlUrl: `${new URL(baseUrl).origin}/_sim`,
    controlToken: simulator.controlToken,
    jwksUrl: simulator.jwksUrl(),
    generatedToken: !options.controlToken,
    close: () => simulator.close(),
  };
}

/**
 * Standalone settings, read from the environment: SIMULATOR_HOST (default 127.0.0.1),
 * SIMULATOR_PORT (default 4010), SIMULATOR_API_KEY or RECOGNIZE_API_KEY, SIMULATOR_CONTROL_TOKEN.
 */
export function standaloneOptions(env: NodeJS.ProcessEnv): SimulatorOptions {
  const port = Number(env.SIMULATOR_PORT || 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('SIMULATOR_PORT must be an integer from 0 to 65535');
  return {
    apiKey: env.SIMULATOR_API_KEY || env.RECOGNIZE_API_KEY || SIMULATOR_DEFAULT_API_KEY,
    port,
    host: env.SIMULATOR_HOST || '127.0.0.1',
    controlToken: env.SIMULATOR_CONTROL_TOKEN || undefined,
  };
}

/** The simulator as its own process (`node dist/simulator/main.js`, the compose profile `simulator`). */
async function standalone(): Promise<void> {
  let options: SimulatorOptions;
  try {
    options = standaloneOptions(process.env);
  } catch (err) {
    process.stderr.write(`Invalid configuration: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const started = await startSimulator(options);
  const lines = [`Recognize simulator listening: ${started.baseUrl} (control API at ${started.controlUrl})`];
  // Printed only when generated: whoever started the process needs it to drive the phone, and a given token is already known.
  if (started.generatedToken) lines.push(`SIMULATOR_CONTROL_TOKEN was unset; this run's control token: ${started.controlToken}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = (): void => {
    void started.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) void standalone();
