import * as client from 'openid-client';
import { createHash } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { CIBA_POLL, CibaTestApp, jwtAuth, openidConfig, startCibaApp, CIBA_JWT } from '../helpers/ciba';
import { newUserId } from '../helpers/test-app';

/**
 * The CIBA poll flow end to end through openid-client v6, as a bank's backend would run it: discovery,
 * backchannel authentication, polling, and the ID token checked by the library itself (signature
 * included, enableNonRepudiationChecks) against the published key set.
 */
describe('CIBA poll mode (openid-client)', () => {
  let t: CibaTestApp;

  beforeAll(async () => {
    t = await startCibaApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Approves the approval on the simulated phone once the service has it. */
  async function approveOnPhone(approvalId: string): Promise<void> {
    await t.sim.approve(approvalId, 'biom');
  }

  it('client_secret_basic: an approval decided on the phone gives a verified ID token bound to it', async () => {
    const config = await openidConfig(t.issuer, CIBA_POLL.id, client.ClientSecretBasic(CIBA_POLL.ciba.clientSecret));
    const userId = newUserId();
    const started = await client.initiateBackchannelAuthentication(config, {
      scope: 'openid',
      login_hint: userId.toLowerCase(),
      binding_message: 'Sign in to Bank 42',
    });
    expect(started.auth_req_id.length).toBeGreaterThanOrEqual(43);
    expect(started.interval).toBe(1);
    const approvalId = started.approval_id as string;
    expect(approvalId).not.toBe(started.auth_req_id);
    await approveOnPhone(approvalId);
    const tokens = await client.pollBackchannelAuthenticationGrant(config, started);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: t.issuer,
      sub: userId,
      aud: CIBA_POLL.id,
      approval_id: approvalId,
      approved_by: 'push',
      amr: ['face'],
    });
    expect(claims['urn:openid:params:jwt:claim:auth_req_id']).toBe(started.auth_req_id);
    expect(claims.exp - claims.iat).toBe(600);
    expect(claims.auth_time).toBeLessThanOrEqual(claims.iat);
    // OIDC Core §3.1.3.6, which openid-client does not check for CIBA: the left half of SHA-256 of the access token.
    expect(claims.at_hash).toBe(createHash('sha256').update(tokens.access_token).digest().subarray(0, 16).toString('base64url'));
    expect(decodeProtectedHeader(tokens.id_token!)).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(tokens.token_type).toBe('bearer');
    expect(typeof tokens.receipt).toBe('string');

    // The approval is an ordinary approval of the client, with the binding message as its message.
    const approval = await t.api(CIBA_POLL.apiKey).get(approvalId);
    expect(approval.body).toMatchObject({ status: 'approved', userId, message: 'Sign in to Bank 42' });
  });

  it('private_key_jwt: the assertion openid-client signs authenticates the client', async () => {
    const config = await openidConfig(t.issuer, CIBA_JWT.id, jwtAuth());
    const started = await client.initiateBackchannelAuthentication(config, {
      scope: 'openid',
      login_hint: newUserId(),
      binding_message: 'Sign in',
    });
    await approveOnPhone(started.approval_id as string);
    const tokens = await client.pollBackchannelAuthenticationGrant(config, started);
    expect(tokens.claims()!.aud).toBe(CIBA_JWT.id);
  });
});
