import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { MetricsService } from '../metrics/metrics.service';
import { RecognizeCircuitBreaker } from './circuit-breaker';
import { RecognizeClient } from './recognize.client';

/** Provides the RecognizeClient, pointed at config.recognize.baseUrl (RECOGNIZE_BASE_URL, or the simulator main.ts started). */
@Module({
  providers: [
    {
      provide: RecognizeClient,
      // Optional: the module also runs alone (client tests) without the metrics of the application.
      inject: [AppConfig, { token: MetricsService, optional: true }],
      useFactory: (config: AppConfig, metrics?: MetricsService) => {
        if (!config.recognize.baseUrl) {
          throw new Error('No Recognize to talk to: set RECOGNIZE_BASE_URL (main.ts starts the simulator when it is unset)');
        }
        return new RecognizeClient({
          baseUrl: config.recognize.baseUrl,
          apiKey: config.recognize.apiKey,
          timeoutMs: config.recognize.requestTimeoutMs,
          breaker: new RecognizeCircuitBreaker(config.recognize.breaker),
          observer: metrics && ((observation) => metrics.recognizeRequest(observation)),
        });
      },
    },
  ],
  exports: [RecognizeClient],
})
export class RecognizeModule {}
