import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { RedisKeys } from '../../src/redis/redis.keys';
import { ApiClient, ApiResponse } from '../helpers/api-client';
import { BANK_APP } from '../helpers/clients';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';

const makeTransaction = (overrides: Record<string, unknown> = {}) => ({
  amount: '1250.00',
  currency: 'EUR',
  payee: { name: 'ACME Ltd', account: 'DE89370400440532013000' },
  reference: 'Invoice 42',
  ...overrides,
});

/** The review's forged payee: a fake account line, then twenty blank lines that push the real account off the screen. */
const FORGED_NAME = 'Mom\naccount DE02120300000000202051\n' + '\n'.repeat(20);

/**
 * Contract v3, "What the user sees is what is bound": each attack of the review replayed with its
 * own inputs. A refused request names the field, and nothing reached Recognize (no push to any
 * phone) or Redis.
 */
describe('What the user sees is what is bound: the text a phone shows (contract v3)', () => {
  let t: TestApp;
  let bank: ApiClient;
  let keys: RedisKeys;

  beforeAll(async () => {
    t = await startTestApp({ USER_MAX_CREATIONS_PER_MINUTE: '1000' });
    bank = t.api(BANK_APP.apiKey);
    keys = t.keys;
  });
  afterAll(() => t.close());

  /** Sends `body` (with a fresh operationId and user) and returns the answer once it is known that nothing was created. */
  async function refusedWithNothingCreated(body: Record<string, unknown>): Promise<ApiResponse> {
    const operationId = `vt-${randomUUID()}`;
    const userId = newUserId();
    const creates = (await t.sim.stats()).requests.create;
    const res = await bank.create({ userId, operationId, ...body });
    expect((await t.sim.stats()).requests.create).toBe(creates);
    await expect(t.sim.getOperation(operationId)).rejects.toMatchObject({ status: 404 });
    expect((await bank.get(operationId)).status).toBe(404);
    expect(
      await t.redis.exists(
        keys.approval(operationId),
        keys.reservation(operationId),
        keys.clientUserApprovals(BANK_APP.id, userId, keys.shardOf(operationId)),
      ),
    ).toBe(0);
    return res;
  }

  const fields = (res: ApiResponse) => ((res.body.errors ?? []) as { field: string }[]).map((e) => e.field);

  describe('item 1: payee, account, reference and message hold only text a phone shows as it is', () => {
    it.each([
      [
        'the forged payee name of the review (line breaks, twenty blank lines)',
        { payee: { name: FORGED_NAME, account: 'DE89370400440532013000' } },
        'transaction.payee.name',
      ],
      [
        'a right-to-left override in the account',
        { payee: { name: 'ACME Ltd', account: 'DE89\u202e0003201304' } },
        'transaction.payee.account',
      ],
      [
        'a zero-width space in the payee name',
        { payee: { name: 'AC\u200bME Ltd', account: 'DE89370400440532013000' } },
        'transaction.payee.name',
      ],
      ['a carriage return in the reference', { reference: 'Invoice 42\raccount DE02' }, 'transaction.reference'],
      ['a line separator in the reference', { reference: 'Invoice 42\u2028account DE02' }, 'transaction.reference'],
      ['a payee name not in NFC', { payee: { name: 'Cafe\u0301 Ltd', account: 'DE89370400440532013000' } }, 'transaction.payee.name'],
      ['a private-use character in the account', { payee: { name: 'ACME Ltd', account: 'DE89\ue000' } }, 'transaction.payee.account'],
    ])('refuses %s with 400 naming the field; nothing is created', async (_name, overrides, field) => {
      const res = await refusedWithNothingCreated({ transaction: makeTransaction(overrides) });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ status: 400, code: 'invalid_request' });
      expect(fields(res)).toEqual([field]);
    });

    it.each([
      ['a line break', 'Log in from a new device?\n\n\n\nAmount: 0.01 EUR'],
      ['a bidi override', 'Log in \u202eto DE02'],
      ['ESC', 'Log in\u001b[2J'],
      ['a decomposed character (not NFC)', 'Cafe\u0301 login'],
    ])('refuses a message with %s with 400 naming message; nothing is created', async (_name, message) => {
      const res = await refusedWithNothingCreated({ message });
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual(['message']);
    });

    it('stores, shows and binds accepted text exactly as given, whatever its script', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 40 }).map((s) => s.normalize('NFC')),
          async (text) => {
            fc.pre(!/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}]/u.test(text) && text.length <= 64);
            const transaction = makeTransaction({ payee: { name: text, account: text }, reference: text });
            const res = await bank.create({ userId: newUserId(), transaction });
            expect(res.status).toBe(201);
            expect(res.body.transaction).toEqual(transaction);
            expect(JSON.parse(res.body.transactionData as string)).toEqual({ approvalId: res.body.id, transaction });
            const upstream = await t.sim.getOperation(res.body.id);
            expect(upstream.operationPayload).toBe(res.body.message);
            expect(upstream.operationPayload).toContain(`to ${text}\naccount ${text}\nreference ${text}`);
          },
        ),
        { numRuns: 25 },
      );
    });
  });

  describe('item 2: with a transaction, the phone shows only the text the service writes from it', () => {
    it("refuses the review's login message beside a EUR 9,999 transfer with 400 naming message; nothing is created", async () => {
      const res = await refusedWithNothingCreated({
        message: 'Log in to online banking',
        transaction: makeTransaction({ amount: '9999.00', payee: { name: 'Mallory', account: 'DE02120300000000202051' } }),
      });
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual(['message']);
    });

    it('refuses an empty message beside a transaction too', async () => {
      const res = await refusedWithNothingCreated({ message: '', transaction: makeTransaction() });
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual(['message']);
    });

    it('shows the payment itself on the phone when the transaction comes alone', async () => {
      const res = await bank.create({ userId: newUserId(), transaction: makeTransaction({ amount: '9999.00' }) });
      expect(res.status).toBe(201);
      expect((await t.sim.getOperation(res.body.id)).operationPayload).toBe(
        'Approve payment of 9999.00 EUR\nto ACME Ltd\naccount DE89370400440532013000\nreference Invoice 42',
      );
    });
  });
});
