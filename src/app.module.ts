import { DynamicModule, Module } from '@nestjs/common';
import { ApiModule } from './api.module';
import { AppConfig } from './config/app.config';
import { CoreModule } from './core.module';
import { EventsTokenModule } from './events/events-token.module';
import { WorkerModule } from './worker.module';

/**
 * The process, composed by ROLE: the core, plus the API (api, all) and/or the workers (worker,
 * all). This is the one place that reads the role; no feature module checks it.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const { servesApi, runsWorkers } = config.runtime;
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        // eventsUrl tokens: every role issues them (answers, events); approvals reaches them as EventsUrls.
        EventsTokenModule,
        ...(servesApi ? [ApiModule.forRoot(config)] : []),
        ...(runsWorkers ? [WorkerModule] : []),
      ],
    };
  }
}
