import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app.config';

/** What dist/simulator/main.js exports (declared here: the simulator's code is not part of this program). */
interface SimulatorEntry {
  startSimulator(options: { apiKey: string; port: number; host: string; controlToken?: string }): Promise<{
    baseUrl: string;
    controlUrl: string;
    controlToken: string;
    jwksUrl: string;
    generatedToken: boolean;
    close(): Promise<void>;
  }>;
}

/** Compiled beside the service (`npm run build`), and absent from the production image. */
const SIMULATOR_ENTRY = join(__dirname, '..', 'simulator', 'main.js');

/**
 * With no RECOGNIZE_BASE_URL outside production, `node dist/main.js` runs on the bundled simulator,
 * loaded only here, so that a laptop needs nothing else. Points `config` at it before the app is
 * built; returns how to stop it, or undefined when Recognize is configured.
 */
export async function startBundledSimulatorIfUnset(config: AppConfig): Promise<(() => Promise<void>) | undefined> {
  if (config.recognize.baseUrl) return undefined;
  // loadConfig refuses this already; checked again because the simulator must never answer for a production service.
  if (config.nodeEnv === 'production') throw new Error('RECOGNIZE_BASE_URL is required when NODE_ENV=production');
  if (!existsSync(SIMULATOR_ENTRY)) {
    // A configuration problem, reported as loadConfigOrExit reports one: a message and exit code 1.
    process.stderr.write(
      'Invalid configuration:\n  - RECOGNIZE_BASE_URL is required: this build has no simulator (the image leaves it out)\n',
    );
    process.exit(1);
  }
  const entry = (await import(SIMULATOR_ENTRY)) as SimulatorEntry;
  const simulator = await entry.startSimulator({
    apiKey: config.recognize.apiKey,
    port: config.simulator.port,
    host: '127.0.0.1',
    controlToken: config.simulator.controlToken,
  });
  config.recognize.baseUrl = simulator.baseUrl;
  config.simulator.controlUrl = simulator.controlUrl;
  config.simulator.controlToken = simulator.controlToken;
  // The contract's default: with the bundled simulator, its key set signs the transaction JWTs.
  config.signatures.jwksUrl ??= simulator.jwksUrl;
  // Loud on purpose: a deployment that forgot RECOGNIZE_BASE_URL must not look like it works.
  new Logger('RecognizeSimulator').warn(
    [
      '!!! RECOGNIZE_BASE_URL is not set: using the BUNDLED RECOGNIZE SIMULATOR, not PingOne Recognize !!!',
      `Simulated Recognize API: ${simulator.baseUrl}`,
      `Simulator control API (approve/reject operations by hand): ${simulator.controlUrl}`,
      simulator.generatedToken
        ? `Control token (SIMULATOR_CONTROL_TOKEN was unset, so this run made one): ${simulator.controlToken}`
        : 'Control token: the SIMULATOR_CONTROL_TOKEN you set',
      'Users starting with DEAD do not exist; every other upper-case hex user does.',
    ].join('\n'),
  );
  return simulator.close;
}
