import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { JWTVerifyResult, createLocalJWKSet, jwtVerify } from 'jose';
import { ConfigError, loadConfig } from '../../src/config/config.loader';
import { ReceiptKeys, ReceiptKeysOptions, receiptKeysKey } from '../../src/receipts/receipt.keys';
import { ReceiptSigner } from '../../src/receipts/receipt.signer';
import { ReceiptPublicJwk } from '../../src/config/receipt-key-format';
import { generateReceiptKeyPem, receiptKeyFromPem } from '../../src/receipts/receipt-key';
import { REDIS_URL, TestApp, deleteKeys, startTestApp } from '../helpers/test-app';

const facts = {
  approvalId: 'op-1',
  userId: 'A1B2',
  clientId: 'bank-app',
  approvedBy: 'push' as const,
  decidedAt: '2026-05-21T10:30:01.000Z',
  transactionHash: 'h',
};

/** A receipt key as an attacker (or an old deployment) made it: its PEM, public JWK, and a receipt signed with it. */
async function foreignKey(): Promise<{ pem: string; jwk: ReceiptPublicJwk; receipt: string }> {
  const pem = generateReceiptKeyPem();
  const key = await receiptKeyFromPem(pem);
  const receipt = await new ReceiptSigner({ signingKey: async () => key }, { issuer: 'stepup-orchestrator' }).sign(facts);
  return { pem, jwk: key.publicJwk, receipt };
}

const jwks = (...keys: object[]) => JSON.stringify({ keys });

/** Receipt keys on real Redis: the published set comes from configuration alone, plus the one generated development key. */
describe('receipt keys', () => {
  const prefixes: string[] = [];
  let redis: Redis;

  const options = (overrides: Partial<ReceiptKeysOptions> = {}): ReceiptKeysOptions => {
    const prefix = overrides.prefix ?? `t-receipts-${randomUUID().slice(0, 8)}`;
    if (!prefixes.includes(prefix)) prefixes.push(prefix);
    return { production: false, prefix, ...overrides };
  };
  const verifyWith = (keys: ReceiptKeys, receipt: string): Promise<JWTVerifyResult> =>
    jwtVerify(receipt, createLocalJWKSet(keys.publicJwks()));

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    for (const prefix of prefixes) await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('generates one key per prefix outside production, on which racing instances agree', async () => {
    const shared = options();
    const connections = Array.from({ length: 5 }, () => new Redis(REDIS_URL));
    const instances = await Promise.all(connections.map((c) => ReceiptKeys.load(c, shared)));
    const kids = await Promise.all(instances.map(async (k) => (await k.signingKey()).kid));
    expect(new Set(kids).size).toBe(1);
    const receipt = await new ReceiptSigner(instances[0], { issuer: 'stepup' }).sign(facts);
    for (const instance of instances) await expect(verifyWith(instance, receipt)).resolves.toBeDefined();
    expect(instances[1].publicJwks().keys.map((k) => k.kid)).toEqual([kids[0]]);
    const other = await ReceiptKeys.load(redis, options());
    expect((await other.signingKey()).kid).not.toBe(kids[0]);
    await Promise.all(connections.map((c) => c.quit()));
  });

  it('refuses to start in production without RECEIPT_SIGNING_KEY, and generates nothing', async () => {
    const o = options({ production: true });
    await expect(ReceiptKeys.load(redis, o)).rejects.toThrow('RECEIPT_SIGNING_KEY is required when NODE_ENV=production');
    expect(await redis.exists(receiptKeysKey(o.prefix))).toBe(0);
  });

  it('publishes a key written into Redis by no means: neither the old key:<kid> fields nor a generated key in production', async () => {
    // The review's replay: HSET a key of one's own into the receipt-keys hash, then sign a receipt with it.
    const o = options({ production: true, signingKeyPem: generateReceiptKeyPem() });
    const attacker = await foreignKey();
    const planted = await foreignKey();
    await redis.hset(receiptKeysKey(o.prefix), {
      [`key:${attacker.jwk.kid}`]: JSON.stringify({ jwk: attacker.jwk, retireAfter: Date.now() + 86_400_000 }),
      generated: planted.pem,
    });
    const keys = await ReceiptKeys.load(redis, o);
    const kids = keys.publicJwks().keys.map((k) => k.kid);
    expect(kids).toEqual([(await keys.signingKey()).kid]);
    await expect(verifyWith(keys, attacker.receipt)).rejects.toThrow();
    await expect(verifyWith(keys, planted.receipt)).rejects.toThrow();
  });

  it('outside production publishes the generated key and nothing else from Redis', async () => {
    const o = options();
    const attacker = await foreignKey();
    await redis.hset(
      receiptKeysKey(o.prefix),
      `key:${attacker.jwk.kid}`,
      JSON.stringify({ jwk: attacker.jwk, retireAfter: Date.now() + 86_400_000 }),
    );
    const keys = await ReceiptKeys.load(redis, o);
    expect(keys.publicJwks().keys.map((k) => k.kid)).toEqual([(await keys.signingKey()).kid]);
    await expect(verifyWith(keys, attacker.receipt)).rejects.toThrow();
  });

  it('publishes RECEIPT_PUBLIC_KEYS after the signing key, and their receipts verify', async () => {
    const [retired, upcoming] = [await foreignKey(), await foreignKey()];
    const keys = await ReceiptKeys.load(
      redis,
      options({ signingKeyPem: generateReceiptKeyPem(), publicKeys: [retired.jwk, upcoming.jwk] }),
    );
    const signingKid = (await keys.signingKey()).kid;
    expect(keys.publicJwks().keys.map((k) => k.kid)).toEqual([signingKid, retired.jwk.kid, upcoming.jwk.kid]);
    await expect(verifyWith(keys, retired.receipt)).resolves.toMatchObject({ protectedHeader: { kid: retired.jwk.kid } });
  });

  it("publishes the signing key once when RECEIPT_PUBLIC_KEYS lists it too, and refuses another key under the signing key's kid", async () => {
    const pem = generateReceiptKeyPem();
    const own = (await receiptKeyFromPem(pem)).publicJwk;
    const listed = await ReceiptKeys.load(redis, options({ signingKeyPem: pem, publicKeys: [own] }));
    expect(listed.publicJwks().keys).toEqual([own]);
    const impostor = { ...(await foreignKey()).jwk, kid: own.kid };
    await expect(ReceiptKeys.load(redis, options({ signingKeyPem: pem, publicKeys: [impostor] }))).rejects.toThrow(
      "RECEIPT_PUBLIC_KEYS holds another key under the signing key's kid",
    );
  });

  it('stops the start on invalid RECEIPT_PUBLIC_KEYS, naming the variable and never echoing a private part', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const withD = privateKey.export({ format: 'jwk' });
    const attempt = () => loadConfig({ RECEIPT_PUBLIC_KEYS: jwks({ kid: 'leaked', ...withD }) });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      const message = (err as ConfigError).problems.join('\n');
      expect(message).toMatch(/^RECEIPT_PUBLIC_KEYS keys\[0\] has a private part \(d\)/);
      expect(message).not.toContain(withD.d as string);
    }
  });
});

/** The same rules through the running app: what /.well-known/jwks.json publishes across restarts. */
describe('receipt keys of the running app', () => {
  const started: TestApp[] = [];
  const start = async (env: Record<string, string>, prefix?: string) => {
    const t = await startTestApp(env, prefix);
    started.push(t);
    return t;
  };
  const publishedKids = async (t: TestApp) => {
    const res = await fetch(new URL('/.well-known/jwks.json', t.url));
    expect(res.status).toBe(200);
    return ((await res.json()) as { keys: ReceiptPublicJwk[] }).keys.map((k) => k.kid);
  };
  const verifiesAgainst = async (t: TestApp, receipt: string) => {
    const set = (await (await fetch(new URL('/.well-known/jwks.json', t.url))).json()) as { keys: ReceiptPublicJwk[] };
    return jwtVerify(receipt, createLocalJWKSet(set)).then(
      () => true,
      () => false,
    );
  };

  afterAll(async () => {
    for (const t of started.reverse()) await t.close();
  });

  it('never publishes a key HSET into the receipt-keys hash, and a receipt signed with it does not verify', async () => {
    const signingPem = generateReceiptKeyPem();
    const signingKid = (await receiptKeyFromPem(signingPem)).kid;
    const t = await start({ RECEIPT_SIGNING_KEY: signingPem });
    const attacker = await foreignKey();
    await t.redis.hset(
      receiptKeysKey(t.prefix),
      `key:${attacker.jwk.kid}`,
      JSON.stringify({ jwk: attacker.jwk, retireAfter: Date.now() + 86_400_000 }),
    );
    expect(await publishedKids(t)).toEqual([signingKid]);
    expect(await verifiesAgainst(t, attacker.receipt)).toBe(false);
  });

  it('drops a key taken out of RECEIPT_PUBLIC_KEYS at the next start', async () => {
    const signingPem = generateReceiptKeyPem();
    const signingKid = (await receiptKeyFromPem(signingPem)).kid;
    const [kept, leaked] = [await foreignKey(), await foreignKey()];
    const first = await start({ RECEIPT_SIGNING_KEY: signingPem, RECEIPT_PUBLIC_KEYS: jwks(kept.jwk, leaked.jwk) });
    expect(await publishedKids(first)).toEqual([signingKid, kept.jwk.kid, leaked.jwk.kid]);
    expect(await verifiesAgainst(first, leaked.receipt)).toBe(true);

    // The leaked key is taken out of the configuration; the next process on the same Redis starts without it.
    const restarted = await start({ RECEIPT_SIGNING_KEY: signingPem, RECEIPT_PUBLIC_KEYS: jwks(kept.jwk) }, first.prefix);
    expect(await publishedKids(restarted)).toEqual([signingKid, kept.jwk.kid]);
    expect(await verifiesAgainst(restarted, leaked.receipt)).toBe(false);
    expect(await verifiesAgainst(restarted, kept.receipt)).toBe(true);
  });
});
