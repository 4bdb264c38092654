import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { RecognizeSimulator } from './recognize.simulator';

/**
 * Decides where Recognize lives: RECOGNIZE_BASE_URL when set, otherwise the bundled simulator,
 * started in-process so that `node dist/main.js` works on a laptop with nothing else running.
 */
@Injectable()
export class SimulatorHost implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SimulatorHost.name);
  private started?: Promise<string>;
  simulator?: RecognizeSimulator;
  controlUrl?: string;

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    await this.baseUrl();
  }

  /** Memoised: the client factory asks before onModuleInit runs. */
  baseUrl(): Promise<string> {
    if (this.config.recognize.baseUrl) return Promise.resolve(this.config.recognize.baseUrl);
    this.started ??= this.start();
    return this.started;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.simulator?.close();
  }

  private async start(): Promise<string> {
    const simulator = new RecognizeSimulator({ apiKey: this.config.recognize.apiKey, enrollment: 'open' });
    const url = await simulator.listen(this.config.simulator.port, '127.0.0.1');
    this.simulator = simulator;
    this.controlUrl = `${new URL(url).origin}/_sim`;
    // Loud on purpose: a deployment that forgot RECOGNIZE_BASE_URL must not look like it works.
    this.logger.warn(
      [
        '!!! RECOGNIZE_BASE_URL is not set: using the BUNDLED RECOGNIZE SIMULATOR, not PingOne Recognize !!!',
        `Simulated Recognize API: ${url}`,
        `Simulator control API (approve/reject operations by hand): ${this.controlUrl}`,
        'Users starting with DEAD do not exist; every other upper-case hex user does.',
      ].join('\n'),
    );
    return url;
  }
}
