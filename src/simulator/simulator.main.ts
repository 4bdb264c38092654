import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '../config/config.loader';
import { RecognizeSimulator } from './recognize.simulator';

/**
 * The bundled Recognize simulator as a process of its own (`node dist/simulator/simulator.main.js`),
 * for a deployment of the service pointed at it with RECOGNIZE_BASE_URL (docker compose profile
 * `simulator`). Listens on SIMULATOR_PORT and accepts RECOGNIZE_API_KEY.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = new Logger('RecognizeSimulator');
  const simulator = new RecognizeSimulator({ apiKey: config.recognize.apiKey, enrollment: 'open' });
  // 0.0.0.0: in a container the service reaches it over the network, not loopback.
  const url = await simulator.listen(config.simulator.port, '0.0.0.0');
  logger.log(`Recognize simulator listening: ${url} (control API at ${new URL(url).origin}/_sim)`);
  const stop = (): void => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
