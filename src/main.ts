import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { loadConfigOrExit } from './config/config.loader';
import { exitAfterShutdownTimeout } from './lifecycle/shutdown-timeout';
import { listenOrExit, printStartupBanner } from './lifecycle/startup-banner';
import { startBundledSimulatorIfUnset } from './recognize/simulator.launcher';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const stopSimulator = await listenOrExit(config.simulator.port, 'SIMULATOR_PORT', () => startBundledSimulatorIfUnset(config));
  const app = configureApp(await NestFactory.create(AppModule.forRoot(config), { bodyParser: false, bufferLogs: true }));
  exitAfterShutdownTimeout(config.runtime.shutdownTimeoutMs);
  await listenOrExit(config.port, 'PORT', () => app.listen(config.port));
  // The HTTP server closes last in app.close(): the simulator goes with it, after the last poll.
  if (stopSimulator) app.getHttpServer().once('close', () => void stopSimulator());
  const logger = new Logger('Main');
  logger.log(`stepup-orchestrator listening on port ${config.port}`);
  if (config.usesDevelopmentClient) {
    logger.warn('CLIENTS is unset: using the development client "dev-client" (its key is in the README); never do this in production');
  }
  printStartupBanner(config);
}

void bootstrap();
