import { randomUUID } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { SignJWT, decodeJwt } from 'jose';
import { generateReceiptKeyPem, receiptKeyFromPem } from '../../src/receipts/receipt-key';
import { BANK_APP } from '../helpers/clients';
import { CIBA_JWT, CIBA_OTHER, CIBA_POLL, CibaTestApp, JWT_KEY, startCibaApp } from '../helpers/ciba';
import { eventually } from '../helpers/eventually';
import { newUserId, startTestApp } from '../helpers/test-app';

const insecure = { [oauth.allowInsecureRequests]: true };
/** A client whose secret holds every character RFC 6749 §2.3.1 makes a Basic client form-url-encode. */
const ODD = {
  id: 'ciba:odd+id',
  apiKey: 'ciba-odd-key-0123456789abcdef',
  callbackOrigins: [] as string[],
  ciba: { clientSecret: 'odd secret: +/%&=?é-0123456789', deliveryMode: 'poll' as const },
};

/**
 * The OAuth surface through oauth4webapi (errors as the library raises them) and plain HTTP where
 * another stack differs: error shapes, client authentication, the request rules of bc-authorize and
 * the answers of the token endpoint.
 */
describe('CIBA OAuth endpoints', () => {
  let t: CibaTestApp;
  let as: oauth.AuthorizationServer;

  beforeAll(async () => {
    // ODD's id has ':' and '+', which CLIENTS ids refuse; it is tested with a plain id below.
    t = await startCibaApp({}, [{ ...ODD, id: 'ciba-odd' }]);
    as = await oauth.processDiscoveryResponse(new URL(t.issuer), await oauth.discoveryRequest(new URL(t.issuer), insecure));
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A form POST with no client library: what any other stack sends. */
  async function form(path: string, params: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<Response> {
    const given = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
    return fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(given).toString(),
    });
  }
  const post = (client: { id: string; ciba: { clientSecret: string } }) => ({
    client_id: client.id,
    client_secret: client.ciba.clientSecret,
  });
  const basic = (id: string, secret: string) =>
    `Basic ${Buffer.from(`${encodeURIComponent(id).replace(/%20/g, '+')}:${formEncode(secret)}`).toString('base64')}`;
  const formEncode = (s: string) => new URLSearchParams({ s }).toString().slice(2);

  async function start(
    params: Record<string, string | undefined> = {},
    client = CIBA_POLL,
  ): Promise<{ auth_req_id: string; approval_id: string }> {
    const res = await form('/oauth/bc-authorize', {
      scope: 'openid',
      login_hint: newUserId(),
      binding_message: 'Sign in',
      ...post(client),
      ...params,
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { auth_req_id: string; approval_id: string };
  }

  async function expectOAuthError(res: Response, status: number, error: string): Promise<Record<string, unknown>> {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error, error_description: expect.any(String) });
    return body;
  }

  describe('discovery', () => {
    it('publishes the same document at both well-known addresses, with the issuer byte for byte', async () => {
      const [oidc, rfc8414] = await Promise.all(
        ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'].map((p) => fetch(`${t.url}${p}`)),
      );
      expect(oidc.status).toBe(200);
      expect(oidc.headers.get('cache-control')).toBe('public, max-age=300');
      const doc = (await oidc.json()) as Record<string, string[]>;
      expect(await rfc8414.json()).toEqual(doc);
      expect(doc).toMatchObject({
        issuer: t.issuer,
        backchannel_authentication_endpoint: `${t.issuer}/oauth/bc-authorize`,
        token_endpoint: `${t.issuer}/oauth/token`,
        jwks_uri: `${t.issuer}/.well-known/jwks.json`,
        backchannel_token_delivery_modes_supported: ['poll', 'ping'],
        backchannel_user_code_parameter_supported: false,
        grant_types_supported: ['urn:openid:params:grant-type:ciba'],
        scopes_supported: ['openid'],
        response_types_supported: [],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
        authorization_details_types_supported: ['payment_initiation'],
        request_parameter_supported: false,
        claims_parameter_supported: false,
      });
      expect(doc.token_endpoint_auth_signing_alg_values_supported).not.toContain('none');
      expect(doc.token_endpoint_auth_signing_alg_values_supported.some((a: string) => a.startsWith('HS'))).toBe(false);
      expect(doc.claims_supported).toEqual(
        expect.arrayContaining(['sub', 'auth_time', 'at_hash', 'urn:openid:params:jwt:claim:auth_req_id']),
      );
      expect(doc).not.toHaveProperty('authorization_endpoint');
    });

    it('is off, with /oauth/* answering 404, without OIDC_ISSUER', async () => {
      const off = await startTestApp();
      try {
        expect((await fetch(`${off.url}/.well-known/openid-configuration`)).status).toBe(404);
        const res = await fetch(`${off.url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba',
        });
        expect(res.status).toBe(404);
      } finally {
        await off.close();
      }
    });
  });

  describe('client authentication', () => {
    it('a wrong secret sent with Basic is a 401 challenge (WWWAuthenticateChallengeError in oauth4webapi)', async () => {
      const client = { client_id: CIBA_POLL.id };
      const res = await oauth.backchannelAuthenticationRequest(
        as,
        client,
        oauth.ClientSecretBasic('not-the-secret-0123456789'),
        { scope: 'openid', login_hint: newUserId(), binding_message: 'x' },
        insecure,
      );
      const err = await oauth.processBackchannelAuthenticationResponse(as, client, res).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
      expect((err as oauth.WWWAuthenticateChallengeError).status).toBe(401);
      expect((err as oauth.WWWAuthenticateChallengeError).cause[0].scheme).toBe('basic');
    });

    it('a wrong secret sent in the body is invalid_client without a challenge (ResponseBodyError)', async () => {
      const client = { client_id: CIBA_POLL.id };
      const res = await oauth.backchannelAuthenticationRequest(
        as,
        client,
        oauth.ClientSecretPost('not-the-secret-0123456789'),
        { scope: 'openid', login_hint: newUserId(), binding_message: 'x' },
        insecure,
      );
      expect(res.headers.get('www-authenticate')).toBeNull();
      const err = await oauth.processBackchannelAuthenticationResponse(as, client, res).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(oauth.ResponseBodyError);
      expect((err as oauth.ResponseBodyError).error).toBe('invalid_client');
      expect((err as oauth.ResponseBodyError).status).toBe(401);
    });

    it('form-url-decodes both halves of Basic credentials (RFC 6749 §2.3.1), as Spring and oauth4webapi encode them', async () => {
      const userId = newUserId();
      const params = { scope: 'openid', login_hint: userId, binding_message: 'x' };
      const ok = await form('/oauth/bc-authorize', params, { authorization: basic('ciba-odd', ODD.ciba.clientSecret) });
      expect(ok.status).toBe(200);
      // The raw secret (not form-encoded) is another secret.
      const raw = await form('/oauth/bc-authorize', params, {
        authorization: `Basic ${Buffer.from(`ciba-odd:${ODD.ciba.clientSecret}`).toString('base64')}`,
      });
      await expectOAuthError(raw, 401, 'invalid_client');
      expect(raw.headers.get('www-authenticate')).toBe('Basic realm="stepup-orchestrator"');
    });

    it.each([
      ['an unknown client', { client_id: 'nobody', client_secret: CIBA_POLL.ciba.clientSecret }],
      ['a client without ciba', { client_id: BANK_APP.id, client_secret: BANK_APP.apiKey }],
      ["the REST apiKey as the client's secret", { client_id: CIBA_POLL.id, client_secret: CIBA_POLL.apiKey }],
      ["another client's secret", { client_id: CIBA_POLL.id, client_secret: CIBA_OTHER.ciba.clientSecret }],
      ['no client authentication', {}],
    ])('refuses %s: 401 invalid_client, no challenge without Authorization', async (_, credentials) => {
      const res = await form('/oauth/bc-authorize', { scope: 'openid', login_hint: newUserId(), binding_message: 'x', ...credentials });
      const body = await expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(body.error_description).toBe('Client authentication failed');
    });

    it('refuses two methods in one request, and a Basic user that is not the body client_id', async () => {
      const params = { scope: 'openid', login_hint: newUserId(), binding_message: 'x' };
      const auth = { authorization: basic(CIBA_POLL.id, CIBA_POLL.ciba.clientSecret) };
      await expectOAuthError(await form('/oauth/bc-authorize', { ...params, ...post(CIBA_POLL) }, auth), 401, 'invalid_client');
      await expectOAuthError(await form('/oauth/bc-authorize', { ...params, client_id: CIBA_OTHER.id }, auth), 401, 'invalid_client');
      const bearer = await form('/oauth/bc-authorize', params, { authorization: `Bearer ${CIBA_POLL.apiKey}` });
      await expectOAuthError(bearer, 401, 'invalid_client');
      expect(bearer.headers.get('www-authenticate')).toBe('Basic realm="stepup-orchestrator"');
    });

    describe('private_key_jwt', () => {
      const now = () => Math.floor(Date.now() / 1000);
      const assertion = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
        new SignJWT({ jti: randomUUID(), ...claims })
          .setProtectedHeader({ alg: 'ES256', kid: 'bank-key-1', ...header })
          .setIssuer((claims.iss as string) ?? CIBA_JWT.id)
          .setSubject((claims.sub as string) ?? CIBA_JWT.id)
          .setAudience((claims.aud as string) ?? t.issuer)
          .setIssuedAt()
          .setExpirationTime((claims.exp as number) ?? now() + 60)
          .sign(JWT_KEY.privateKey);
      const withAssertion = (jwt: string) => ({
        scope: 'openid',
        login_hint: newUserId(),
        binding_message: 'x',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: jwt,
      });

      it('accepts the endpoint URL as aud, and refuses the same jti a second time', async () => {
        const jwt = await assertion({ aud: `${t.issuer}/oauth/bc-authorize` });
        expect((await form('/oauth/bc-authorize', withAssertion(jwt))).status).toBe(200);
        await expectOAuthError(await form('/oauth/bc-authorize', withAssertion(jwt)), 401, 'invalid_client');
      });

      it.each([
        ['another audience', { aud: 'https://elsewhere.example' }, {}],
        ['an expired assertion', { exp: now() - 60 }, {}],
        ['exp more than 5 minutes ahead', { exp: now() + 3600 }, {}],
        ['sub other than the client', { sub: 'someone-else' }, {}],
        ['an unknown kid', {}, { kid: 'not-a-key' }],
      ])('refuses %s', async (_, claims, header) => {
        await expectOAuthError(await form('/oauth/bc-authorize', withAssertion(await assertion(claims, header))), 401, 'invalid_client');
      });

      it('refuses alg none and HS256 (a MAC keyed with the public key would otherwise pass)', async () => {
        const claims = { iss: CIBA_JWT.id, sub: CIBA_JWT.id, aud: t.issuer, jti: randomUUID(), exp: now() + 60 };
        const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const none = `${b64({ alg: 'none' })}.${b64(claims)}.`;
        await expectOAuthError(await form('/oauth/bc-authorize', withAssertion(none)), 401, 'invalid_client');
        const hs = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', kid: 'bank-key-1' })
          .sign(Buffer.from(JSON.stringify(CIBA_JWT.ciba.jwks.keys[0])));
        await expectOAuthError(await form('/oauth/bc-authorize', withAssertion(hs)), 401, 'invalid_client');
      });

      it('refuses a jti without an exp and a client_id other than the assertion issuer', async () => {
        const noExp = await new SignJWT({ jti: randomUUID() })
          .setProtectedHeader({ alg: 'ES256', kid: 'bank-key-1' })
          .setIssuer(CIBA_JWT.id)
          .setSubject(CIBA_JWT.id)
          .setAudience(t.issuer)
          .sign(JWT_KEY.privateKey);
        await expectOAuthError(await form('/oauth/bc-authorize', withAssertion(noExp)), 401, 'invalid_client');
        const other = { ...withAssertion(await assertion()), client_id: CIBA_POLL.id };
        await expectOAuthError(await form('/oauth/bc-authorize', other), 401, 'invalid_client');
      });
    });
  });

  describe('bc-authorize request rules', () => {
    it.each([
      ['scope without openid', { scope: 'profile' }, 'invalid_scope'],
      ['no scope', { scope: undefined }, 'invalid_scope'],
      ['no hint', { login_hint: undefined }, 'invalid_request'],
      ['two hints', { id_token_hint: 'x.y.z' }, 'invalid_request'],
      ['login_hint_token', { login_hint_token: 'x' }, 'invalid_request'],
      ['user_code', { user_code: '1234' }, 'invalid_request'],
      ['request', { request: 'x.y.z' }, 'invalid_request'],
      ['request_uri', { request_uri: 'urn:x' }, 'invalid_request'],
      ['a login_hint that is no user id', { login_hint: 'alice@example.com' }, 'unknown_user_id'],
      [
        'an iss_sub hint of another issuer',
        { login_hint: JSON.stringify({ format: 'iss_sub', iss: 'https://other.example', sub: 'ABC' }) },
        'unknown_user_id',
      ],
      ['an id_token_hint that is no ID token of ours', { login_hint: undefined, id_token_hint: 'x.y.z' }, 'invalid_request'],
      ['neither binding_message nor authorization_details', { binding_message: undefined }, 'invalid_request'],
      ['a binding_message with a newline', { binding_message: 'Pay\nACME' }, 'invalid_binding_message'],
      ['a binding_message of 65 characters', { binding_message: 'a'.repeat(65) }, 'invalid_binding_message'],
      ['a binding_message with a leading space', { binding_message: ' Pay' }, 'invalid_binding_message'],
      ['a binding_message with <', { binding_message: 'Pay <b>' }, 'invalid_binding_message'],
      ['requested_expiry 0', { requested_expiry: '0' }, 'invalid_request'],
      ['requested_expiry -5', { requested_expiry: '-5' }, 'invalid_request'],
      ['requested_expiry 1.5', { requested_expiry: '1.5' }, 'invalid_request'],
      ['requested_expiry 1e3', { requested_expiry: '1e3' }, 'invalid_request'],
      ['requested_expiry 000', { requested_expiry: '000' }, 'invalid_request'],
      ['requested_expiry +60', { requested_expiry: '+60' }, 'invalid_request'],
      ['a client_notification_token from a poll client', { client_notification_token: 'abc' }, 'invalid_request'],
    ])('refuses %s', async (_, change, error) => {
      const params: Record<string, string> = { scope: 'openid', login_hint: newUserId(), binding_message: 'Sign in', ...post(CIBA_POLL) };
      for (const [k, v] of Object.entries(change))
        if (v === undefined) delete params[k];
        else params[k] = v;
      const before = (await t.sim.stats()).requests.create;
      await expectOAuthError(await form('/oauth/bc-authorize', params), 400, error);
      // A refused request creates nothing upstream.
      expect((await t.sim.stats()).requests.create).toBe(before);
    });

    it('refuses a body that is not a form, and a parameter given twice, with invalid_request', async () => {
      const json = await fetch(`${t.url}/oauth/bc-authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scope: 'openid', ...post(CIBA_POLL) }),
      });
      await expectOAuthError(json, 400, 'invalid_request');
      const twice = await fetch(`${t.url}/oauth/bc-authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: `scope=openid&scope=openid&login_hint=${newUserId()}&binding_message=x&client_id=${CIBA_POLL.id}&client_secret=${CIBA_POLL.ciba.clientSecret}`,
      });
      await expectOAuthError(twice, 400, 'invalid_request');
    });

    it('accepts a Unicode binding_message, an iss_sub login_hint, and ignores unknown parameters and acr_values', async () => {
      const userId = newUserId();
      const started = await start({
        login_hint: JSON.stringify({ format: 'iss_sub', iss: t.issuer, sub: userId.toLowerCase() }),
        binding_message: 'Überweisung an Müller #42?',
        acr_values: 'urn:x',
        whatever: '1',
      });
      const approval = await t.api(CIBA_POLL.apiKey).get(started.approval_id);
      expect(approval.body).toMatchObject({ userId, message: 'Überweisung an Müller #42?' });
    });

    it('an unknown Recognize user is unknown_user_id', async () => {
      const res = await form('/oauth/bc-authorize', {
        scope: 'openid',
        login_hint: 'DEADBEEF00',
        binding_message: 'x',
        ...post(CIBA_POLL),
      });
      await expectOAuthError(res, 400, 'unknown_user_id');
    });

    it('requested_expiry becomes the approval lifetime, clamped to 86400 s, and expires_in follows it', async () => {
      const short = await form('/oauth/bc-authorize', {
        scope: 'openid',
        login_hint: newUserId(),
        binding_message: 'x',
        requested_expiry: '90',
        ...post(CIBA_POLL),
      });
      const body = (await short.json()) as { expires_in: number; approval_id: string };
      expect(body.expires_in).toBeGreaterThanOrEqual(88);
      expect(body.expires_in).toBeLessThanOrEqual(90);
      const long = (await (
        await form('/oauth/bc-authorize', {
          scope: 'openid',
          login_hint: newUserId(),
          binding_message: 'x',
          requested_expiry: '99999999999',
          ...post(CIBA_POLL),
        })
      ).json()) as { expires_in: number; approval_id: string };
      expect(long.expires_in).toBeGreaterThan(86_000);
      expect(long.expires_in).toBeLessThanOrEqual(86_400);
    });
  });

  describe('the guarantees of POST /v1/approvals', () => {
    it("the per-user limit is the REST one: 429 access_denied with Retry-After, counted with the client's REST creations", async () => {
      const userId = newUserId();
      const limit = t.config.runtime.rateLimit.userMaxPending;
      for (let i = 0; i < limit; i++) expect((await t.api(CIBA_POLL.apiKey).create({ userId, message: `REST ${i}` })).status).toBe(201);
      const before = (await t.sim.stats()).requests.create;
      const res = await form('/oauth/bc-authorize', { scope: 'openid', login_hint: userId, binding_message: 'x', ...post(CIBA_POLL) });
      await expectOAuthError(res, 429, 'access_denied');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await t.sim.stats()).requests.create).toBe(before);
    });

    it('Recognize failing is 503 temporarily_unavailable, and nothing is stored', async () => {
      const userId = newUserId();
      const stored = (await t.redis.keys(`${t.prefix}:ciba-request:*`)).length;
      await t.sim.fault({ route: 'create', status: 503, times: 1 });
      try {
        const res = await form('/oauth/bc-authorize', { scope: 'openid', login_hint: userId, binding_message: 'x', ...post(CIBA_POLL) });
        await expectOAuthError(res, 503, 'temporarily_unavailable');
      } finally {
        await t.sim.clearFaults();
      }
      const listed = await t.api(CIBA_POLL.apiKey).request<{ data: unknown[] }>('GET', `/v1/approvals?userId=${userId}`);
      expect(listed.body.data).toEqual([]);
      expect(await t.redis.keys(`${t.prefix}:ciba-request:*`)).toHaveLength(stored);
    });
  });

  describe('authorization_details (RFC 9396 payment_initiation)', () => {
    const payment = {
      type: 'payment_initiation',
      instructedAmount: { currency: 'EUR', amount: '1250.00' },
      creditorName: 'ACME Ltd',
      creditorAccount: { iban: 'DE89370400440532013000' },
      remittanceInformationUnstructured: 'Invoice 42',
    };

    it('maps the payment onto the transaction; the phone shows the payment text, then the binding message', async () => {
      const started = await start({ authorization_details: JSON.stringify([payment]), binding_message: 'Code 4711' });
      const { body } = await t.api(CIBA_POLL.apiKey).get(started.approval_id);
      expect(body.transaction).toEqual({
        amount: '1250.00',
        currency: 'EUR',
        payee: { name: 'ACME Ltd', account: 'DE89370400440532013000' },
        reference: 'Invoice 42',
      });
      expect(body.message).toBe(
        'Approve payment of 1250.00 EUR\nto ACME Ltd\naccount DE89370400440532013000\nreference Invoice 42\nCode 4711',
      );
      expect(JSON.parse(body.transactionData as string)).toEqual({ approvalId: started.approval_id, transaction: body.transaction });
      const op = await t.sim.getOperation(started.approval_id);
      expect(op.operationPayload).toBe(body.message);
    });

    it.each([
      ['not JSON', '{'],
      ['not an array', JSON.stringify(payment)],
      ['an empty array', '[]'],
      ['two entries', JSON.stringify([payment, payment])],
      ['another type', JSON.stringify([{ ...payment, type: 'account_information' }])],
      ['an unknown member', JSON.stringify([{ ...payment, debtorAccount: { iban: 'X' } }])],
      ['an unknown nested member', JSON.stringify([{ ...payment, instructedAmount: { ...payment.instructedAmount, fx: 1 } }])],
      ['an amount with too many decimals', JSON.stringify([{ ...payment, instructedAmount: { currency: 'EUR', amount: '1.001' } }])],
      ['a number amount', JSON.stringify([{ ...payment, instructedAmount: { currency: 'EUR', amount: 12.5 } }])],
      ['an unknown currency', JSON.stringify([{ ...payment, instructedAmount: { currency: 'XXY', amount: '1.00' } }])],
      ['an empty creditorName', JSON.stringify([{ ...payment, creditorName: '' }])],
      ['no creditorAccount', JSON.stringify([{ ...payment, creditorAccount: undefined }])],
    ])('refuses %s with invalid_authorization_details, creating nothing', async (_, details) => {
      const before = (await t.sim.stats()).requests.create;
      const res = await form('/oauth/bc-authorize', {
        scope: 'openid',
        login_hint: newUserId(),
        authorization_details: details,
        ...post(CIBA_POLL),
      });
      await expectOAuthError(res, 400, 'invalid_authorization_details');
      expect((await t.sim.stats()).requests.create).toBe(before);
    });

    it('returns the requested authorization_details with the tokens and in the ID token', async () => {
      const client = { client_id: CIBA_POLL.id };
      const started = await start({ authorization_details: JSON.stringify([payment]) });
      await t.sim.approve(started.approval_id);
      const tokens = await until(async () => {
        const res = await oauth.backchannelAuthenticationGrantRequest(
          as,
          client,
          oauth.ClientSecretPost(CIBA_POLL.ciba.clientSecret),
          started.auth_req_id,
          insecure,
        );
        const processed = await oauth.processBackchannelAuthenticationGrantResponse(as, client, res);
        await oauth.validateApplicationLevelSignature(as, res, insecure);
        return processed;
      });
      expect(tokens.authorization_details).toEqual([payment]);
      const claims = oauth.getValidatedIdTokenClaims(tokens)!;
      expect(claims.authorization_details).toEqual([payment]);
      const { body } = await t.api(CIBA_POLL.apiKey).get(started.approval_id);
      expect(claims.transaction_hash).toBe(body.transactionHash);
    });
  });

  describe('token endpoint', () => {
    const client = { client_id: CIBA_POLL.id };
    const auth = () => oauth.ClientSecretPost(CIBA_POLL.ciba.clientSecret);
    /** One token request through oauth4webapi; tokens are checked by the library, their ID token's signature included. */
    const grant = async (authReqId: string, c = client, a = auth()) => {
      const res = await oauth.backchannelAuthenticationGrantRequest(as, c, a, authReqId, insecure);
      const tokens = await oauth.processBackchannelAuthenticationGrantResponse(as, c, res);
      await oauth.validateApplicationLevelSignature(as, res, insecure);
      return tokens;
    };
    const errorOf = async (p: Promise<unknown>) => {
      const err = await p.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(oauth.ResponseBodyError);
      return err as oauth.ResponseBodyError;
    };

    it('answers authorization_pending at once, then slow_down with Retry-After for a poll before the interval, and grows the interval', async () => {
      const started = await start();
      expect((await errorOf(grant(started.auth_req_id))).error).toBe('authorization_pending');
      const res = await form('/oauth/token', {
        grant_type: 'urn:openid:params:grant-type:ciba',
        auth_req_id: started.auth_req_id,
        ...post(CIBA_POLL),
      });
      await expectOAuthError(res, 400, 'slow_down');
      expect(res.headers.get('retry-after')).toBe('6');
      // The wait restarts from that answer and is now 6 s: one second later is still too fast.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const again = await errorOf(grant(started.auth_req_id));
      expect(again.error).toBe('slow_down');
    });

    it('a decided approval is answered at once, whatever the rhythm: rejected is access_denied with approval_status', async () => {
      const started = await start();
      await t.sim.reject(started.approval_id);
      await eventually(async () => (await t.api(CIBA_POLL.apiKey).get(started.approval_id)).body.status === 'rejected', 'rejected');
      const err = await errorOf(grant(started.auth_req_id));
      expect(err.error).toBe('access_denied');
      expect(err.cause).toMatchObject({ approval_status: 'rejected' });
      const err2 = await errorOf(grant(started.auth_req_id));
      expect(err2.error).toBe('access_denied');
    });

    it('a REST cancel is access_denied (cancelled)', async () => {
      const started = await start();
      expect((await t.api(CIBA_POLL.apiKey).cancel(started.approval_id)).status).toBe(200);
      const err = await errorOf(grant(started.auth_req_id));
      expect(err.error).toBe('access_denied');
      expect(err.cause).toMatchObject({ approval_status: 'cancelled' });
    });

    it('an operation vanishing upstream is access_denied (failed)', async () => {
      const started = await start();
      await t.sim.vanish(started.approval_id);
      await eventually(async () => (await t.api(CIBA_POLL.apiKey).get(started.approval_id)).body.status === 'failed', 'failed');
      const err = await errorOf(grant(started.auth_req_id));
      expect(err.cause).toMatchObject({ error: 'access_denied', approval_status: 'failed' });
    });

    it('past its deadline a request is expired_token with approval_status, and a late upstream approval changes nothing', async () => {
      const started = await start({ requested_expiry: '1' });
      await eventually(async () => (await t.api(CIBA_POLL.apiKey).get(started.approval_id)).body.status === 'expired', 'expired', {
        timeoutMs: 15_000,
      });
      const err = await errorOf(grant(started.auth_req_id));
      expect(err.error).toBe('expired_token');
      expect(err.cause).toMatchObject({ approval_status: 'expired' });
      // Outcome rules v2: a late approval upstream changes nothing, here or in the approval.
      await t.sim.approve(started.approval_id);
      expect((await errorOf(grant(started.auth_req_id))).cause).toMatchObject({ error: 'expired_token', approval_status: 'expired' });
      expect((await t.api(CIBA_POLL.apiKey).get(started.approval_id)).body.status).toBe('expired');
    });

    it('tokens are single use: the second request after the tokens is invalid_grant', async () => {
      const started = await start();
      await t.sim.approve(started.approval_id, 'pin');
      const tokens = await until(() => grant(started.auth_req_id));
      expect(tokens.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(oauth.getValidatedIdTokenClaims(tokens)!.amr).toEqual(['pin']);
      const err = await errorOf(grant(started.auth_req_id));
      expect(err.error).toBe('invalid_grant');
      expect(err.cause).not.toHaveProperty('approval_status');
    });

    it("another client's attempts get the unknown-id answer and change nothing: no slow_down, no tokens taken", async () => {
      const started = await start();
      await t.sim.approve(started.approval_id);
      await eventually(async () => (await t.api(CIBA_POLL.apiKey).get(started.approval_id)).body.status === 'approved', 'approved');
      const other = { client_id: CIBA_OTHER.id };
      const stolen = await errorOf(grant(started.auth_req_id, other, oauth.ClientSecretPost(CIBA_OTHER.ciba.clientSecret)));
      const unknown = await errorOf(grant('x'.repeat(43), other, oauth.ClientSecretPost(CIBA_OTHER.ciba.clientSecret)));
      expect(stolen.error).toBe('invalid_grant');
      expect(stolen.cause).toEqual(unknown.cause);
      // Another client cannot see the approval either.
      expect((await t.api(CIBA_OTHER.apiKey).get(started.approval_id)).status).toBe(404);
      expect((await grant(started.auth_req_id)).access_token).toBeDefined();
    });

    it('another grant_type is unsupported_grant_type; no auth_req_id is invalid_request', async () => {
      await expectOAuthError(
        await form('/oauth/token', { grant_type: 'client_credentials', ...post(CIBA_POLL) }),
        400,
        'unsupported_grant_type',
      );
      await expectOAuthError(
        await form('/oauth/token', { grant_type: 'urn:openid:params:grant-type:ciba', ...post(CIBA_POLL) }),
        400,
        'invalid_request',
      );
    });

    it('the tokens answer is no-store, and the access token is never an apiKey', async () => {
      const started = await start();
      await t.sim.approve(started.approval_id);
      await eventually(async () => (await t.api(CIBA_POLL.apiKey).get(started.approval_id)).body.status === 'approved', 'approved');
      const res = await form('/oauth/token', {
        grant_type: 'urn:openid:params:grant-type:ciba',
        auth_req_id: started.auth_req_id,
        ...post(CIBA_POLL),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'openid' });
      expect(body).not.toHaveProperty('refresh_token');
      expect(decodeJwt(body.id_token as string)).not.toHaveProperty('status');
      expect((await t.api(body.access_token as string).get(started.approval_id)).status).toBe(401);
      // Issuing tokens does not consume the approval.
      expect(
        (await t.api(CIBA_POLL.apiKey).request('POST', `/v1/approvals/${started.approval_id}/consume`, { reference: 'payment-1' })).status,
      ).toBe(200);
    });
  });

  describe('id_token_hint', () => {
    /** An ID token as this service writes one, signed with the prefix's generated receipt key or another key under its kid. */
    async function idToken(claims: Record<string, unknown>, foreignKey = false): Promise<string> {
      const pem = (await t.redis.hget(`${t.prefix}:receipt-keys`, 'generated'))!;
      const key = await receiptKeyFromPem(pem);
      const signing = foreignKey ? (await receiptKeyFromPem(generateReceiptKeyPem())).privateKey : key.privateKey;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: t.issuer, aud: CIBA_POLL.id, iat: now - 7200, exp: now - 3600, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
        .sign(signing);
    }

    it('an expired ID token of ours still names the user (its exp is not checked); one under our kid but another key does not', async () => {
      const userId = newUserId();
      const started = await start({ login_hint: undefined, id_token_hint: await idToken({ sub: userId }) });
      expect((await t.api(CIBA_POLL.apiKey).get(started.approval_id)).body.userId).toBe(userId);
      const forged = await idToken({ sub: userId }, true);
      const res = await form('/oauth/bc-authorize', { scope: 'openid', id_token_hint: forged, binding_message: 'x', ...post(CIBA_POLL) });
      await expectOAuthError(res, 400, 'invalid_request');
      const otherIssuer = await idToken({ sub: userId, iss: 'https://elsewhere.example' });
      const res2 = await form('/oauth/bc-authorize', {
        scope: 'openid',
        id_token_hint: otherIssuer,
        binding_message: 'x',
        ...post(CIBA_POLL),
      });
      await expectOAuthError(res2, 400, 'invalid_request');
    });

    it("an ID token this service issued names the user of a new request; another client's, or a receipt, is refused", async () => {
      const started = await start();
      await t.sim.approve(started.approval_id);
      const client = { client_id: CIBA_POLL.id };
      const tokens = await until(async () =>
        oauth.processBackchannelAuthenticationGrantResponse(
          as,
          client,
          await oauth.backchannelAuthenticationGrantRequest(
            as,
            client,
            oauth.ClientSecretPost(CIBA_POLL.ciba.clientSecret),
            started.auth_req_id,
            insecure,
          ),
        ),
      );
      const second = await start({ login_hint: undefined, id_token_hint: tokens.id_token! });
      const { body } = await t.api(CIBA_POLL.apiKey).get(second.approval_id);
      expect(body.userId).toBe(oauth.getValidatedIdTokenClaims(tokens)!.sub);
      const res = await form('/oauth/bc-authorize', {
        scope: 'openid',
        id_token_hint: tokens.id_token!,
        binding_message: 'x',
        ...post(CIBA_OTHER),
      });
      await expectOAuthError(res, 400, 'invalid_request');
      // A receipt is not an ID token.
      const receipt = await form('/oauth/bc-authorize', {
        scope: 'openid',
        id_token_hint: tokens.receipt as string,
        binding_message: 'x',
        ...post(CIBA_POLL),
      });
      await expectOAuthError(receipt, 400, 'invalid_request');
    });
  });
  it('counts CIBA requests and token answers by code in /metrics', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/stepup_ciba_requests_total\{client="ciba-poll",outcome="accepted"\} [1-9]/);
    expect(text).toMatch(/stepup_ciba_token_answers_total\{answer="authorization_pending"\} [1-9]/);
    expect(text).toMatch(/stepup_ciba_token_answers_total\{answer="tokens"\} [1-9]/);
  });
});

describe('CIBA and the global throttle', () => {
  let t: CibaTestApp;
  beforeAll(async () => {
    t = await startCibaApp({ RATE_LIMIT_CREATES: '2', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await t?.close();
  });
  const form = (params: Record<string, string>) =>
    fetch(`${t.url}/oauth/bc-authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ scope: 'openid', login_hint: newUserId(), binding_message: 'x', ...params }),
    });

  it("counts a client's backchannel requests as its creations: over the limit, 429 access_denied with Retry-After", async () => {
    const credentials = { client_id: CIBA_POLL.id, client_secret: CIBA_POLL.ciba.clientSecret };
    expect((await form(credentials)).status).toBe(200);
    expect((await form(credentials)).status).toBe(200);
    const over = await form(credentials);
    expect(over.status).toBe(429);
    expect(over.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await over.json()).toMatchObject({ error: 'access_denied' });
  });

  it('counts failed client authentications per address: guessing secrets ends in 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await form({ client_id: CIBA_OTHER.id, client_secret: `guess-${i}-0123456789abcdef` })).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
  });
});

/** Retries `attempt` while it fails with authorization_pending or slow_down (the decision is on its way). */
async function until<T>(attempt: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      const code = err instanceof oauth.ResponseBodyError ? err.error : undefined;
      if ((code !== 'authorization_pending' && code !== 'slow_down') || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, (code === 'slow_down' ? 6 : 1) * 1000));
    }
  }
}
