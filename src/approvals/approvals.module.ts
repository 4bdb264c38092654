import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../config/app.config';
import { ReceiptsModule } from '../receipts/receipts.module';
import { RecognizeModule } from '../recognize/recognize.module';
import { ApprovalEventsEmitter } from './approval-events.emitter';
import { ApprovalsIndexStore } from './approvals-index.store';
import { ApprovalsListService } from './approvals-list.service';
import { ApprovalsService } from './approvals.service';
import { ApprovalsStore } from './approvals.store';
import { RecognizeOperationsService } from './recognize-operations.service';
import { ApprovalEventListeners } from './on-approval-event.decorator';

/** Approved approvals carry a receipt: the state machine signs it in the transition itself. */
const receipts = ReceiptsModule.register({
  inject: [AppConfig],
  useFactory: (config: AppConfig) => ({
    keys: {
      signingKeyPem: config.receipts.signingKeyPem,
      publicKeys: config.receipts.publicKeys,
      production: config.nodeEnv === 'production',
      prefix: config.redis.prefix,
    },
    signer: { issuer: config.receipts.issuer },
  }),
});

/**
 * The bottom of the feature graph: approvals depend on core services and Recognize only, and the
 * capabilities above (polling, webhooks, events) reach them through ApprovalsService and the
 * emitter. The store is not exported. Its controller is mounted by ApiModule, whose EventsModule
 * answers the controller's `?wait=` long-polls (ApprovalLongPoll) and whose EventsTokenModule signs
 * the eventsUrl (EventsUrls).
 */
@Module({
  imports: [DiscoveryModule, RecognizeModule, receipts],
  providers: [
    ApprovalsStore,
    ApprovalsService,
    RecognizeOperationsService,
    ApprovalEventsEmitter,
    ApprovalEventListeners,
    ApprovalsIndexStore,
    ApprovalsListService,
  ],
  // ReceiptsModule is re-exported for the API's GET /.well-known/jwks.json.
  exports: [ApprovalsService, ApprovalEventsEmitter, ApprovalsListService, receipts],
})
export class ApprovalsModule {}
