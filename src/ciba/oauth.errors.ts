/** The error codes the OAuth endpoints answer with (RFC 6749 §5.2, CIBA Core §13 and §11). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unsupported_grant_type'
  | 'unknown_user_id'
  | 'invalid_binding_message'
  | 'invalid_authorization_details'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  | 'access_denied'
  | 'temporarily_unavailable'
  | 'server_error';

/**
 * An OAuth error answer: `{error, error_description, …extra}` as application/json, never a problem
 * body, since the OpenID client libraries read `error` only from JSON. Thrown by the CIBA code and
 * written by OAuthErrorFilter.
 */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly extra: Record<string, string> = {},
    readonly retryAfterS?: number,
  ) {
    super(description);
    this.name = OAuthError.name;
  }
}

export const invalidRequest = (description: string): OAuthError => new OAuthError(400, 'invalid_request', description);

/** Every client authentication failure gets this one answer: it tells nothing of which check failed. */
export const invalidClient = (): OAuthError => new OAuthError(401, 'invalid_client', 'Client authentication failed');
