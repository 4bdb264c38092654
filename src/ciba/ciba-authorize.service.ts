import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { ApprovalsService } from '../approvals/approvals.service';
import { CreateApprovalDto } from '../approvals/dto/create-approval.dto';
import { ClientConfig } from '../clients/client.config';
import { AppConfig } from '../config/app.config';
import { MetricsService } from '../metrics/metrics.service';
import { TransactionDto } from '../transactions/transaction.dto';
import { invalidDetails, parseAuthorizationDetails } from './authorization-details';
import { CibaRequestsStore } from './ciba-requests.store';
import { ClientAuthenticator, OAuthCaller } from './client-authenticator';
import { IdTokenSigner } from './id-token.signer';
import { OAuthError, invalidRequest } from './oauth.errors';

/** requested_expiry above this is clamped (the longest approval POST /v1/approvals allows). */
const MAX_EXPIRY_S = 86_400;
/** The request record outlives its approval's record by at least this much. */
const CLOCK_SLACK_MS = 60_000;
const USER_ID = /^[0-9A-Fa-f]{1,128}$/;
const BINDING_MESSAGE = /^[\p{L}\p{N}+\-_.,:#/!? ]{1,64}$/u;
const NOTIFICATION_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const UNSUPPORTED = ['user_code', 'request', 'request_uri', 'login_hint_token'];
/** The options of the global validation pipe (common/validation.pipe.ts): the same rules as POST /v1/approvals. */
const VALIDATION = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

export interface BackchannelAnswer {
  auth_req_id: string;
  expires_in: number;
  interval: number;
  approval_id: string;
}

/**
 * POST /oauth/bc-authorize: checks the request, then creates an ordinary approval of the client
 * through ApprovalsService.create, the very path of POST /v1/approvals (per-user limits, upstream
 * create, transaction rules), and binds a new auth_req_id to it. A refused request creates nothing.
 */
@Injectable()
export class CibaAuthorizeService {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly approvals: ApprovalsService,
    private readonly requests: CibaRequestsStore,
    private readonly idTokens: IdTokenSigner,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async authorize(caller: OAuthCaller, params: Map<string, string>): Promise<BackchannelAnswer> {
    return this.authorizeFor(await this.authenticator.authenticate(caller, params, '/oauth/bc-authorize'), params);
  }

  /** The request of a client already known to be `client` (the demo page's backend calls it in-process). */
  async authorizeFor(client: ClientConfig, params: Map<string, string>): Promise<BackchannelAnswer> {
    try {
      const answer = await this.create(client, params);
      this.metrics.cibaRequest(client.id, 'accepted');
      return answer;
    } catch (err) {
      this.metrics.cibaRequest(client.id, err instanceof OAuthError ? err.error : 'refused');
      throw err;
    }
  }

  private async create(client: ClientConfig, params: Map<string, string>): Promise<BackchannelAnswer> {
    const unsupported = UNSUPPORTED.find((name) => params.has(name));
    if (unsupported) throw invalidRequest(`${unsupported} is not supported`);
    const scope = params.get('scope')?.split(' ') ?? [];
    if (!scope.includes('openid')) throw new OAuthError(400, 'invalid_scope', 'scope must contain openid');
    const userId = await this.userOf(client, params);
    const binding = params.get('binding_message');
    if (binding !== undefined && (!BINDING_MESSAGE.test(binding) || binding !== binding.trim()))
      throw new OAuthError(
        400,
        'invalid_binding_message',
        'binding_message must be 1-64 letters, digits, spaces or + - _ . , : # / ! ?, with no leading or trailing space',
      );
    const rawDetails = params.get('authorization_details');
    if (binding === undefined && rawDetails === undefined) throw invalidRequest('binding_message or authorization_details is required');
    const timeoutSeconds = this.expiryOf(params.get('requested_expiry'));
    const notificationToken = this.notificationTokenOf(client, params.get('client_notification_token'));

    const mapped = rawDetails === undefined ? undefined : parseAuthorizationDetails(rawDetails);
    const transaction = mapped && (await validTransaction(mapped.transaction));
    // Without a payment the binding message is the approval's message; with one, the phone shows the
    // service-written payment text and then the binding message (ApprovalsService.create writes both).
    const message = transaction ? undefined : binding;
    // A service-generated operationId, as POST /v1/approvals writes one, known before the approval exists.
    const operationId = `op_${randomUUID()}`;
    const dto = await validDto({ userId, operationId, message, timeoutSeconds, ...(mapped && { transaction: mapped.transaction }) });

    // The request is stored before the approval exists, so that a decision however quick finds its ping
    // owed; a creation that fails removes it again (a refused request leaves nothing stored).
    const authReqId = randomBytes(32).toString('base64url');
    const keepUntilMs = Date.now() + (timeoutSeconds + this.config.approvals.retentionS) * 1000 + CLOCK_SLACK_MS;
    await this.requests.save(
      authReqId,
      { clientId: client.id, approvalId: operationId, ...(mapped && { authorizationDetails: JSON.stringify(mapped.details) }) },
      this.config.oidc.intervalS,
      keepUntilMs,
      notificationToken === undefined ? undefined : { authReqId, notificationToken },
    );
    const { approval } = await this.approvals
      .create(client, dto, { bindingMessage: transaction ? binding : undefined })
      .catch(async (err: unknown) => {
        await this.requests.remove(authReqId, operationId).catch(() => undefined);
        throw err;
      });
    const expiresAtMs = Date.parse(approval.expiresAt);
    return {
      auth_req_id: authReqId,
      expires_in: Math.max(0, Math.floor((expiresAtMs - Date.now()) / 1000)),
      interval: this.config.oidc.intervalS,
      approval_id: approval.id,
    };
  }

  /** Exactly one hint: a login_hint naming the Recognize user, or an ID token of ours naming it. */
  private async userOf(client: ClientConfig, params: Map<string, string>): Promise<string> {
    const loginHint = params.get('login_hint');
    const idTokenHint = params.get('id_token_hint');
    if ((loginHint === undefined) === (idTokenHint === undefined))
      throw invalidRequest('exactly one of login_hint and id_token_hint is required');
    if (idTokenHint !== undefined) return this.idTokens.hintedUser(idTokenHint, client.id);
    const unknown = new OAuthError(400, 'unknown_user_id', 'login_hint does not name a known user');
    if (USER_ID.test(loginHint!)) return loginHint!.toUpperCase();
    let hint: unknown;
    try {
      hint = JSON.parse(loginHint!);
    } catch {
      throw unknown;
    }
    const { format, iss, sub } = (hint ?? {}) as Record<string, unknown>;
    if (format !== 'iss_sub' || iss !== this.config.oidc.issuer || typeof sub !== 'string' || !USER_ID.test(sub)) throw unknown;
    return sub.toUpperCase();
  }

  private expiryOf(raw: string | undefined): number {
    if (raw === undefined) return this.config.approvals.defaultTimeoutS;
    const digits = /^[0-9]+$/.test(raw) ? raw.replace(/^0+/, '') : '';
    if (!digits) throw invalidRequest('requested_expiry must be a positive whole number of seconds');
    return digits.length > 6 ? MAX_EXPIRY_S : Math.min(Number(digits), MAX_EXPIRY_S);
  }

  private notificationTokenOf(client: ClientConfig, token: string | undefined): string | undefined {
    if (client.ciba?.deliveryMode !== 'ping') {
      if (token !== undefined) throw invalidRequest('client_notification_token is only for ping clients');
      return undefined;
    }
    if (token === undefined || token.length > 1024 || !NOTIFICATION_TOKEN.test(token))
      throw invalidRequest('client_notification_token is required: 1-1024 characters of [A-Za-z0-9-._~+/] then any =');
    return token;
  }
}

/** The payment through the transaction DTO of POST /v1/approvals, so that its rules (v3 included) apply unchanged. */
async function validTransaction(raw: object): Promise<TransactionDto> {
  const transaction = plainToInstance(TransactionDto, raw);
  const errors = await validate(transaction, VALIDATION);
  if (errors.length) throw invalidDetails(`authorization_details: ${messages(errors).join('; ')}`);
  return transaction;
}

async function validDto(raw: object): Promise<CreateApprovalDto> {
  const dto = plainToInstance(CreateApprovalDto, raw);
  const errors = await validate(dto, VALIDATION);
  if (errors.some((e) => e.property === 'transaction')) throw invalidDetails(`authorization_details: ${messages(errors).join('; ')}`);
  if (errors.length) throw invalidRequest(messages(errors).join('; '));
  return dto;
}

function messages(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    return [...Object.values(e.constraints ?? {}).map((m) => `${field}: ${m}`), ...messages(e.children ?? [], field)];
  });
}
