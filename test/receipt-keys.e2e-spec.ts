import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { ReceiptKeys, ReceiptKeysOptions, receiptKeysKey } from '../src/receipts/receipt.keys';
import { ReceiptSigner } from '../src/receipts/receipt.signer';
import { generateReceiptKeyPem } from '../src/receipts/receipt-key';
import { REDIS_URL, deleteKeys } from './helpers/test-app';

const RETENTION_S = 7 * 86_400;
const facts = {
  approvalId: 'op-1',
  userId: 'A1B2',
  clientId: 'bank-app',
  approvedBy: 'push' as const,
  decidedAt: '2026-05-21T10:30:01.000Z',
  transactionHash: 'h',
};

/** Receipt keys on real Redis: one generated key per prefix, and retired keys published as long as their receipts live. */
describe('receipt keys', () => {
  const prefixes: string[] = [];
  let redis: Redis;
  let clockMs = Date.parse('2026-05-21T10:30:00.000Z');

  const options = (overrides: Partial<ReceiptKeysOptions> = {}): ReceiptKeysOptions => {
    const prefix = overrides.prefix ?? `t-receipts-${randomUUID().slice(0, 8)}`;
    if (!prefixes.includes(prefix)) prefixes.push(prefix);
    return { production: false, prefix, approvalRetentionS: RETENTION_S, now: () => clockMs, ...overrides };
  };
  const verifyWith = async (keys: ReceiptKeys, receipt: string) => jwtVerify(receipt, createLocalJWKSet(await keys.publicJwks()));

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
    expect((await instances[1].publicJwks()).keys.map((k) => k.kid)).toEqual([kids[0]]);
    const other = await ReceiptKeys.load(redis, options());
    expect((await other.signingKey()).kid).not.toBe(kids[0]);
    await Promise.all(connections.map((c) => c.quit()));
  });

  it('refuses to start in production without RECEIPT_SIGNING_KEY, and generates nothing', async () => {
    const o = options({ production: true });
    await expect(ReceiptKeys.load(redis, o)).rejects.toThrow('RECEIPT_SIGNING_KEY is required when NODE_ENV=production');
    expect(await redis.exists(receiptKeysKey(o.prefix))).toBe(0);
  });

  it('signs with the configured key when there is one, in production too', async () => {
    const keys = await ReceiptKeys.load(redis, options({ production: true, signingKeyPem: generateReceiptKeyPem() }));
    const receipt = await new ReceiptSigner(keys, { issuer: 'stepup' }).sign(facts);
    await expect(verifyWith(keys, receipt)).resolves.toMatchObject({ protectedHeader: { kid: (await keys.signingKey()).kid } });
  });

  it('keeps a rotated-out key published until every receipt it signed has expired with its approval', async () => {
    const prefix = options().prefix;
    const before = await ReceiptKeys.load(redis, options({ prefix, signingKeyPem: generateReceiptKeyPem() }));
    const oldKid = (await before.publicJwks()).keys[0].kid;
    const oldReceipt = await new ReceiptSigner(before, { issuer: 'stepup' }).sign(facts);
    const lastSignedAt = clockMs;

    // The configuration changes; the new instance publishes both keys, its own first.
    clockMs += 3_600_000;
    const after = await ReceiptKeys.load(redis, options({ prefix, signingKeyPem: generateReceiptKeyPem() }));
    const newKid = (await after.publicJwks()).keys[0].kid;
    expect((await after.publicJwks()).keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
    await expect(verifyWith(after, oldReceipt)).resolves.toBeDefined();

    // Still there when the last receipt's approval is just about to expire…
    clockMs = lastSignedAt + RETENTION_S * 1000;
    await expect(verifyWith(after, oldReceipt)).resolves.toBeDefined();
    // …and gone (also from Redis) once it has.
    clockMs = lastSignedAt + RETENTION_S * 1000 + 60_001;
    expect((await after.publicJwks()).keys.map((k) => k.kid)).toEqual([newKid]);
    expect(await redis.hexists(receiptKeysKey(prefix), `key:${oldKid}`)).toBe(0);
  });

  it('keeps a key that is still signing somewhere published, however long ago it was first replaced', async () => {
    const prefix = options().prefix;
    const old = await ReceiptKeys.load(redis, options({ prefix, signingKeyPem: generateReceiptKeyPem() }));
    const current = await ReceiptKeys.load(redis, options({ prefix, signingKeyPem: generateReceiptKeyPem() }));
    // An instance on the old configuration keeps signing during a long rolling deploy.
    clockMs += RETENTION_S * 1000;
    const receipt = await new ReceiptSigner(old, { issuer: 'stepup' }).sign(facts);
    clockMs += RETENTION_S * 1000 - 1;
    await expect(verifyWith(current, receipt)).resolves.toBeDefined();
  });
});
