import { DynamicModule, Module } from '@nestjs/common';
import { ApprovalsController } from './approvals/approvals.controller';
import { ApprovalsModule } from './approvals/approvals.module';
import { CibaModule } from './ciba/ciba.module';
import { DiscoveryController } from './ciba/discovery.controller';
import { OAuthController } from './ciba/oauth.controller';
import { AppConfig } from './config/app.config';
import { DemoModule } from './demo/demo.module';
import { RootController } from './docs/root.controller';
import { EventsController } from './events/events.controller';
import { EventsModule } from './events/events.module';
import { JwksController } from './receipts/jwks.controller';
import { SignaturesController } from './signatures/signatures.controller';
import { SignaturesModule } from './signatures/signatures.module';
import { DeliveriesController } from './webhooks/deliveries.controller';
import { WebhookOperationsController } from './webhooks/webhook-operations.controller';
import { WebhooksModule } from './webhooks/webhooks.module';

/**
 * What a process that serves the API adds (ROLE=api or all): the /v1 controllers, the SSE hub with
 * its stream reader, the signature route, the receipt keys (/.well-known/jwks.json), the demo
 * when enabled and the CIBA endpoints when OIDC_ISSUER is set. Health and metrics are served by every process.
 */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ApprovalsModule,
        WebhooksModule,
        EventsModule,
        SignaturesModule,
        ...(config.demo.enabled ? [DemoModule.forRoot(config)] : []),
        ...(config.oidc.issuer ? [CibaModule] : []),
      ],
      controllers: [
        RootController,
        ApprovalsController,
        DeliveriesController,
        WebhookOperationsController,
        EventsController,
        SignaturesController,
        JwksController,
        // The OpenID CIBA front door, only with OIDC_ISSUER: otherwise /oauth/* and discovery answer 404.
        ...(config.oidc.issuer ? [DiscoveryController, OAuthController] : []),
      ],
    };
  }
}
