import { DynamicModule, FactoryProvider, Module } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { ReceiptKeys, ReceiptKeysOptions } from './receipt.keys';
import { ReceiptSigner, ReceiptSignerOptions } from './receipt.signer';

export interface ReceiptsModuleOptions {
  keys: ReceiptKeysOptions;
  signer: ReceiptSignerOptions;
}

export const RECEIPTS_OPTIONS = Symbol('RECEIPTS_OPTIONS');

/**
 * Receipt signing and the receipt keys. Options come from the caller's config, e.g.
 * `ReceiptsModule.register({ inject: [AppConfig], useFactory: (config) => ({ keys: …, signer: … }) })`.
 * JwksController (GET /.well-known/jwks.json) is mounted by the API processes only (api.module.ts).
 */
@Module({})
export class ReceiptsModule {
  static register(
    options: Pick<FactoryProvider<ReceiptsModuleOptions | Promise<ReceiptsModuleOptions>>, 'inject' | 'useFactory'>,
  ): DynamicModule {
    return {
      module: ReceiptsModule,
      providers: [
        { provide: RECEIPTS_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        {
          provide: ReceiptKeys,
          inject: [REDIS, RECEIPTS_OPTIONS],
          useFactory: (redis: Redis, o: ReceiptsModuleOptions) => ReceiptKeys.load(redis, o.keys),
        },
        {
          provide: ReceiptSigner,
          inject: [ReceiptKeys, RECEIPTS_OPTIONS],
          useFactory: (keys: ReceiptKeys, o: ReceiptsModuleOptions) => new ReceiptSigner(keys, o.signer),
        },
      ],
      exports: [ReceiptSigner, ReceiptKeys],
    };
  }
}
