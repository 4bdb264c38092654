import { DynamicModule, Global, Module } from '@nestjs/common';
import { ApiKeyGuard } from './api-key.guard';
import { ClientConfig } from './client.config';
import { ClientsRegistry } from './clients.registry';

/** The calling apps, handed in by the root from the loaded configuration: clients/ sits below config/. */
@Global()
@Module({})
export class ClientsModule {
  static forRoot(clients: readonly ClientConfig[]): DynamicModule {
    return {
      module: ClientsModule,
      providers: [{ provide: ClientsRegistry, useValue: new ClientsRegistry({ clients }) }, ApiKeyGuard],
      exports: [ClientsRegistry, ApiKeyGuard],
    };
  }
}
