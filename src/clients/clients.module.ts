import { Global, Module } from '@nestjs/common';
import { ApiKeyGuard } from './api-key.guard';
import { ClientsRegistry } from './clients.registry';

@Global()
@Module({ providers: [ClientsRegistry, ApiKeyGuard], exports: [ClientsRegistry, ApiKeyGuard] })
export class ClientsModule {}
