import { Module } from '@nestjs/common';
import { RecognizeModule } from '../recognize/recognize.module';
import { ApprovalCreationService } from './approval-creation.service';
import { ApprovalEventsEmitter } from './approval-events.emitter';
import { ApprovalsService } from './approvals.service';
import { ApprovalsStore } from './approvals.store';
import { AuthenticationDetailsService } from './authentication-details.service';
import { EventsTokenService } from './events-token.service';

/**
 * The bottom of the feature graph: approvals depend on core services and Recognize only, and the
 * capabilities above (polling, webhooks, events) reach them through ApprovalsService and the
 * emitter. The store is not exported. Its controller is mounted by ApiModule.
 */
@Module({
  imports: [RecognizeModule],
  providers: [
    ApprovalsStore,
    ApprovalsService,
    ApprovalCreationService,
    ApprovalEventsEmitter,
    EventsTokenService,
    AuthenticationDetailsService,
  ],
  exports: [ApprovalsService, ApprovalEventsEmitter, EventsTokenService, AuthenticationDetailsService],
})
export class ApprovalsModule {}
