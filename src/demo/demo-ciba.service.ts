import { Injectable } from '@nestjs/common';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { CibaAuthorizeService } from '../ciba/ciba-authorize.service';
import { CIBA_GRANT, CibaTokenService } from '../ciba/ciba-token.service';
import { discoveryDocument } from '../ciba/discovery.controller';
import { OAuthError } from '../ciba/oauth.errors';
import { ClientConfig } from '../clients/client.config';
import { ClientsRegistry } from '../clients/clients.registry';
import { AppConfig } from '../config/app.config';
import { ReceiptKeys } from '../receipts/receipt.keys';

/** One answer of the token endpoint as the page shows it: the OAuth status and body, as a client would see them. */
export interface DemoTokenAnswer {
  status: number;
  body: Record<string, unknown>;
  retryAfter?: number;
  /** With tokens: the ID token's claims, verified (ES256, issuer, audience) against the published key set. */
  idToken?: { header: Record<string, unknown>; claims: Record<string, unknown> };
}

/**
 * "Sign in with CIBA" on the demo page: the bank's backend, played in-process as the demo client,
 * calls the CIBA services the OAuth endpoints call (no secret needed, as for the REST flow), and
 * verifies the ID token the way an OpenID client library does.
 */
@Injectable()
export class DemoCibaService {
  private readonly client: ClientConfig;
  private readonly issuer: string;

  constructor(
    private readonly authorizer: CibaAuthorizeService,
    private readonly tokens: CibaTokenService,
    private readonly keys: ReceiptKeys,
    clients: ClientsRegistry,
    config: AppConfig,
  ) {
    const client = config.demo.clientId === undefined ? undefined : clients.findById(config.demo.clientId);
    if (!client) throw new Error('The demo is enabled without a demo client');
    // The demo client polls: the page has no notification endpoint.
    this.client = { ...client, ciba: { deliveryMode: 'poll' } };
    this.issuer = config.oidc.issuer ?? '';
  }

  discovery(): Record<string, unknown> {
    return discoveryDocument(this.issuer);
  }

  start(userId: string, bindingMessage: string): Promise<unknown> {
    return this.answerOf(() =>
      this.authorizer.authorizeFor(
        this.client,
        new Map([
          ['scope', 'openid'],
          ['login_hint', userId],
          ['binding_message', bindingMessage],
        ]),
      ),
    );
  }

  async token(authReqId: string): Promise<DemoTokenAnswer> {
    const answer = await this.answerOf(() =>
      this.tokens.tokenFor(
        this.client.id,
        new Map([
          ['grant_type', CIBA_GRANT],
          ['auth_req_id', authReqId],
        ]),
      ),
    );
    if (answer.status !== 200) return answer;
    const { payload, protectedHeader } = await jwtVerify(answer.body.id_token as string, createLocalJWKSet(await this.keys.publicJwks()), {
      algorithms: ['ES256'],
      issuer: this.issuer,
      audience: this.client.id,
      typ: 'JWT',
    });
    // The page never gets the tokens themselves, only what the bank's backend learnt from them.
    return {
      status: 200,
      body: { token_type: answer.body.token_type, scope: answer.body.scope },
      idToken: { header: protectedHeader, claims: payload },
    };
  }

  private async answerOf(call: () => Promise<unknown>): Promise<DemoTokenAnswer> {
    try {
      return { status: 200, body: (await call()) as Record<string, unknown> };
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      return {
        status: err.status,
        body: { error: err.error, error_description: err.description, ...err.extra },
        ...(err.retryAfterS !== undefined && { retryAfter: err.retryAfterS }),
      };
    }
  }
}
