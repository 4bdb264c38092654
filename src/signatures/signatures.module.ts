import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import Redis from 'ioredis';
import { AppConfig } from '../config/app.config';
import { REDIS } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis.keys';
import { RedisKeySetStore } from './key-set.store';
import { ApprovalSignatureService } from './approval-signature.service';
import { SIGNATURE_VERIFIER_DEFAULTS, TransactionSignatureVerifier } from './transaction-signature.verifier';

/**
 * Transaction JWTs of the Recognize SDK: the verifier (Recognize's key set, else its PEM key and
 * verify endpoint) and the approval by signature. Its controller is mounted by ApiModule.
 */
@Module({
  imports: [ApprovalsModule],
  providers: [
    {
      provide: TransactionSignatureVerifier,
      inject: [AppConfig, REDIS, RedisKeys],
      // Built when the app is: after the launcher has pointed the config at the bundled simulator.
      useFactory: (config: AppConfig, redis: Redis, keys: RedisKeys) =>
        new TransactionSignatureVerifier({
          recognizeBaseUrl: config.recognize.baseUrl ?? '',
          apiKey: config.recognize.apiKey,
          jwksUrl: config.signatures.jwksUrl,
          publicKeyPath: config.signatures.publicKeyPath,
          verifyJwtPath: config.signatures.verifyJwtPath,
          timeoutMs: config.recognize.requestTimeoutMs,
          refetchCooldownMs: config.signatures.refetchCooldownMs,
          refetchGapMs: config.signatures.refetchGapMs,
          keySetStore: new RedisKeySetStore(redis, keys, SIGNATURE_VERIFIER_DEFAULTS.keySetMaxAgeMs),
          issuer: config.signatures.jwtIssuer,
        }),
    },
    ApprovalSignatureService,
  ],
  exports: [ApprovalSignatureService],
})
export class SignaturesModule {}
