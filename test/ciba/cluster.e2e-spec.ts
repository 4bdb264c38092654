import { randomUUID } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { SignJWT } from 'jose';
import { CIBA_JWT, CIBA_POLL, CibaTestApp, JWT_KEY, startCibaApp } from '../helpers/ciba';
import { eventually } from '../helpers/eventually';
import { newUserId } from '../helpers/test-app';

const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

/**
 * Two instances on one Redis prefix behind one issuer, as a load balancer would spread a client's
 * requests: the one issue of tokens, the poll rhythm and assertion replay are decided in Redis.
 */
describe('CIBA across two instances', () => {
  let a: CibaTestApp;
  let b: CibaTestApp;

  beforeAll(async () => {
    a = await startCibaApp();
    // Same prefix, same simulator and the same issuer: either instance answers any request.
    b = await startCibaApp(
      { OIDC_ISSUER: a.issuer, RECOGNIZE_BASE_URL: a.simulatorBaseUrl, RECOGNIZE_API_KEY: 'simulator-api-key' },
      [],
      a.prefix,
    );
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const credentials = { client_id: CIBA_POLL.id, client_secret: CIBA_POLL.ciba.clientSecret };
  const form = (app: CibaTestApp, path: string, params: Record<string, string>) =>
    fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });

  async function start(app: CibaTestApp): Promise<{ auth_req_id: string; approval_id: string }> {
    const res = await form(app, '/oauth/bc-authorize', {
      scope: 'openid',
      login_hint: newUserId(),
      binding_message: 'Sign in',
      ...credentials,
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { auth_req_id: string; approval_id: string };
  }

  it('of 20 concurrent token requests (oauth4webapi) spread over both instances, exactly one gets the tokens', async () => {
    const started = await start(a);
    await a.sim.approve(started.approval_id);
    await eventually(async () => (await a.api(CIBA_POLL.apiKey).get(started.approval_id)).body.status === 'approved', 'approved');
    // oauth4webapi, as a bank's backend would send them, each instance's token endpoint in turn.
    const client = { client_id: CIBA_POLL.id };
    const [asA, asB] = await Promise.all(
      [a, b].map(async (app) => ({ ...(await discovery(app)), token_endpoint: `${app.url}/oauth/token` })),
    );
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const as = i % 2 ? asB : asA;
        const res = await oauth.backchannelAuthenticationGrantRequest(
          as,
          client,
          oauth.ClientSecretBasic(CIBA_POLL.ciba.clientSecret),
          started.auth_req_id,
          { [oauth.allowInsecureRequests]: true },
        );
        return oauth.processBackchannelAuthenticationGrantResponse(as, client, res).then(
          (tokens) => ({ ok: true, error: undefined, tokens }),
          (err: oauth.ResponseBodyError) => ({ ok: false, error: err.error, tokens: undefined }),
        );
      }),
    );
    expect(answers.filter((r) => r.ok)).toHaveLength(1);
    expect(answers.filter((r) => r.error === 'invalid_grant')).toHaveLength(19);
    expect(oauth.getValidatedIdTokenClaims(answers.find((r) => r.ok)!.tokens!)!.approval_id).toBe(started.approval_id);
  });

  it('slow_down is shared: a poll on one instance right after an answer of the other is too fast', async () => {
    const started = await start(a);
    const first = await form(a, '/oauth/token', { grant_type: CIBA_GRANT, auth_req_id: started.auth_req_id, ...credentials });
    expect(await first.json()).toMatchObject({ error: 'authorization_pending' });
    const second = await form(b, '/oauth/token', { grant_type: CIBA_GRANT, auth_req_id: started.auth_req_id, ...credentials });
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ error: 'slow_down' });
    expect(second.headers.get('retry-after')).toBe('6');
  });

  it('a client waiting the interval after each answer, alternating instances, never gets slow_down (oauth4webapi)', async () => {
    const started = await start(b);
    const seen: string[] = [];
    for (const app of [a, b, a]) {
      const as = { ...(await discovery(app)), token_endpoint: `${app.url}/oauth/token` };
      const client = { client_id: CIBA_POLL.id };
      const res = await oauth.backchannelAuthenticationGrantRequest(
        as,
        client,
        oauth.ClientSecretPost(CIBA_POLL.ciba.clientSecret),
        started.auth_req_id,
        {
          [oauth.allowInsecureRequests]: true,
        },
      );
      const err = await oauth.processBackchannelAuthenticationGrantResponse(as, client, res).catch((e: oauth.ResponseBodyError) => e);
      seen.push((err as oauth.ResponseBodyError).error);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(seen).toEqual(['authorization_pending', 'authorization_pending', 'authorization_pending']);
  });

  it('a private_key_jwt assertion used on one instance is refused on the other', async () => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'bank-key-1' })
      .setIssuer(CIBA_JWT.id)
      .setSubject(CIBA_JWT.id)
      .setAudience(a.issuer)
      .setExpirationTime(now + 60)
      .sign(JWT_KEY.privateKey);
    const params = {
      scope: 'openid',
      login_hint: newUserId(),
      binding_message: 'x',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    };
    expect((await form(a, '/oauth/bc-authorize', params)).status).toBe(200);
    const replay = await form(b, '/oauth/bc-authorize', params);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: 'invalid_client' });
  });

  async function discovery(app: CibaTestApp): Promise<oauth.AuthorizationServer> {
    const issuer = new URL(app.issuer);
    return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true }));
  }
});
