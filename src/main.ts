import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { loadConfigOrExit } from './config/config.loader';
import { exitAfterShutdownTimeout } from './lifecycle/shutdown-timeout';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const app = configureApp(await NestFactory.create(AppModule.forRoot(config), { bodyParser: false, bufferLogs: true }));
  exitAfterShutdownTimeout(config.runtime.shutdownTimeoutMs);
  await app.listen(config.port);
  const logger = new Logger('Main');
  logger.log(`stepup-orchestrator listening on port ${config.port}`);
  if (config.usesDevelopmentClient) {
    logger.warn('CLIENTS is unset: using the development client "dev-client" (its key is in the README); never do this in production');
  }
}

void bootstrap();
