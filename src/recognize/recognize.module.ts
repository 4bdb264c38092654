import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { SimulatorHost } from '../simulator/simulator.host';
import { SimulatorModule } from '../simulator/simulator.module';
import { RecognizeCircuitBreaker } from './circuit-breaker';
import { RecognizeClient } from './recognize.client';

/** Provides the RecognizeClient, pointed at RECOGNIZE_BASE_URL or at the bundled simulator. */
@Module({
  imports: [SimulatorModule],
  providers: [
    {
      provide: RecognizeClient,
      inject: [AppConfig, SimulatorHost],
      useFactory: async (config: AppConfig, host: SimulatorHost) =>
        new RecognizeClient({
          baseUrl: await host.baseUrl(),
          apiKey: config.recognize.apiKey,
          timeoutMs: config.recognize.requestTimeoutMs,
          breaker: new RecognizeCircuitBreaker(config.recognize.breaker),
        }),
    },
  ],
  exports: [RecognizeClient, SimulatorModule],
})
export class RecognizeModule {}
