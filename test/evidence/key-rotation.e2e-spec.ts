import { decodeProtectedHeader } from 'jose';
import { StepupClient } from '../../client/src/index';
import { ApiClient, Approval } from '../helpers/api-client';
import { BANK_APP } from '../helpers/clients';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

interface Problem {
  status: number;
  code: string;
  detail: string;
}

/**
 * Issue 18, item 14: after a key rotation at Recognize a valid signature was refused with 422
 * ("kid") for up to 30 s, because the key set had been read within the refetch cooldown; a 422 is
 * final to the SDK, so the user was told their approval failed. Now a kid new to us is fetched for
 * at once, fetches are spaced across instances through Redis, and a kid met while a fetch is not
 * allowed answers 503 with Retry-After, which the SDK retries. Default settings: the 30 s cooldown,
 * the 1 s gap between fetches.
 */
describe("Recognize's key rotation (POST /v1/approvals/{id}/signature)", () => {
  let a: TestApp;
  let b: TestApp;
  let bankA: ApiClient;

  beforeAll(async () => {
    a = await startTestApp();
    // A second instance on the same Redis prefix and the same Recognize (a's simulator).
    b = await startTestApp(
      {
        RECOGNIZE_BASE_URL: a.simulatorBaseUrl,
        RECOGNIZE_API_KEY: a.config.recognize.apiKey,
        SIMULATOR_CONTROL_TOKEN: a.simulatorToken,
        RECOGNIZE_JWKS_URL: a.config.signatures.jwksUrl!,
      },
      a.prefix,
    );
    bankA = a.api(BANK_APP.apiKey);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const create = async (): Promise<Approval> => {
    const res = await bankA.create({ userId: newUserId(), message: 'Pay 1250.00 EUR to ACME Ltd' });
    expect(res.status).toBe(201);
    return res.body;
  };
  const keySetFetches = async () => (await a.sim.stats()).keySetFetches;

  it('approves with a JWT of the new key when Recognize rotates right after a key-set fetch, never 422', async () => {
    // The key set is fetched (or taken from Redis) for this signature, just before the rotation.
    const before = await create();
    expect(
      (
        await bankA.request('POST', `/v1/approvals/${before.id}/signature`, {
          jwt: await a.sim.signTransaction({ td: before.transactionData as string }),
        })
      ).status,
    ).toBe(200);
    const kids = await a.sim.rotateKeys();

    const after = await create();
    const jwt = await a.sim.signTransaction({ td: after.transactionData as string });
    expect(decodeProtectedHeader(jwt).kid).toBe(kids.RS256);
    const res = await bankA.request<Problem>('POST', `/v1/approvals/${after.id}/signature`, { jwt });

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'approved', approvedBy: 'signature', signature: { kid: kids.RS256 } });
  });

  it('approves every JWT of a rotated key sent to two instances at once, the key set fetched once for all of them', async () => {
    // Both instances hold the current set.
    for (const t of [a, b]) {
      const approval = await create();
      const jwt = await a.sim.signTransaction({ td: approval.transactionData as string });
      expect((await t.api(BANK_APP.apiKey).request('POST', `/v1/approvals/${approval.id}/signature`, { jwt })).status).toBe(200);
    }
    const fetchesBefore = await keySetFetches();
    const kids = await a.sim.rotateKeys();
    const approvals = await Promise.all([1, 2, 3, 4, 5, 6].map(() => create()));
    const jwts = await Promise.all(approvals.map((x) => a.sim.signTransaction({ td: x.transactionData as string, alg: 'ES256' })));

    // The SDK retries a 503 after its Retry-After and never a 422: a 422 would reject here.
    const sdks = [a, b].map((t) => new StepupClient({ baseUrl: t.url, apiKey: BANK_APP.apiKey, retries: 3 }));
    const approved = await Promise.all(approvals.map((x, i) => sdks[i % 2].submitSignature(x.id, jwts[i])));

    for (const x of approved) expect(x).toMatchObject({ status: 'approved', approvedBy: 'signature', signature: { kid: kids.ES256 } });
    expect((await keySetFetches()) - fetchesBefore).toBe(1);
  });

  it('answers 503 recognize_keys_refreshing with Retry-After, not 422, for a new kid while another instance holds the gap; the retry approves', async () => {
    const approval = await create();
    await a.sim.rotateKeys();
    const jwt = await a.sim.signTransaction({ td: approval.transactionData as string });
    // Another instance has just fetched (the set before this rotation) and holds the gap between fetches.
    const claim = a.keys.recognizeKeySetFetch();
    await a.redis.set(claim, '1', 'PX', 30_000);

    const refused = await bankA.request<Problem>('POST', `/v1/approvals/${approval.id}/signature`, { jwt });

    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ status: 503, code: 'recognize_keys_refreshing' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await bankA.get(approval.id)).body.status).toBe('pending');

    await a.redis.del(claim); // the gap has passed
    const res = await bankA.request('POST', `/v1/approvals/${approval.id}/signature`, { jwt });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'approved', approvedBy: 'signature' });
  });
});
