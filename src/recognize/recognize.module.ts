import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { MetricsService } from '../metrics/metrics.service';
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
      // Optional: the module also runs alone (client tests) without the metrics of the application.
      inject: [AppConfig, SimulatorHost, { token: MetricsService, optional: true }],
      useFactory: async (config: AppConfig, host: SimulatorHost, metrics?: MetricsService) =>
        new RecognizeClient({
          baseUrl: await host.baseUrl(),
          apiKey: config.recognize.apiKey,
          timeoutMs: config.recognize.requestTimeoutMs,
          breaker: new RecognizeCircuitBreaker(config.recognize.breaker),
          observer: metrics && ((observation) => metrics.recognizeRequest(observation)),
        }),
    },
  ],
  exports: [RecognizeClient, SimulatorModule],
})
export class RecognizeModule {}
