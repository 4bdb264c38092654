import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { CibaAuthorizeService } from './ciba-authorize.service';
import { CibaRequestsStore } from './ciba-requests.store';
import { CibaTokenService } from './ciba-token.service';
import { CibaThrottle } from './ciba-throttle';
import { ClientAuthenticator } from './client-authenticator';
import { IdTokenSigner } from './id-token.signer';
import { PingHandler } from './ping.handler';
import { CIBA_PING_QUEUE } from './ping.job';
import { PingProducer } from './ping.producer';

/**
 * The OpenID CIBA front door over approvals (contract v3): client authentication, the auth_req_id
 * store, the token answers, the ID token and pings. Every process that may decide an approval
 * schedules pings; ApiModule mounts the controllers (when OIDC_ISSUER is set) and WorkerModule the
 * ping processor.
 */
@Module({
  imports: [ApprovalsModule, WebhooksModule, BullModule.registerQueue({ name: CIBA_PING_QUEUE })],
  providers: [
    ClientAuthenticator,
    CibaThrottle,
    CibaRequestsStore,
    CibaAuthorizeService,
    CibaTokenService,
    IdTokenSigner,
    PingProducer,
    PingHandler,
  ],
  exports: [CibaAuthorizeService, CibaTokenService, PingHandler],
})
export class CibaModule {}
