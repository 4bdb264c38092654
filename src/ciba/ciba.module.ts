import { Module } from '@nestjs/common';
import { ApprovalsModule } from '../approvals/approvals.module';
import { CibaAuthorizeService } from './ciba-authorize.service';
import { CibaRequestsStore } from './ciba-requests.store';
import { CibaTokenService } from './ciba-token.service';
import { ClientAuthenticator } from './client-authenticator';
import { IdTokenSigner } from './id-token.signer';

/**
 * The OpenID CIBA front door over approvals (contract v3): client authentication, the auth_req_id
 * store, the token answers and the ID token. ApiModule mounts it and its controllers when
 * OIDC_ISSUER is set.
 */
@Module({
  imports: [ApprovalsModule],
  providers: [ClientAuthenticator, CibaRequestsStore, CibaAuthorizeService, CibaTokenService, IdTokenSigner],
  exports: [CibaAuthorizeService, CibaTokenService],
})
export class CibaModule {}
