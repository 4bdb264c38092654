import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { newUserId, useTestApp } from '../helpers/test-app';

const makeTransaction = (overrides: Record<string, unknown> = {}) => ({
  amount: '1250.00',
  currency: 'EUR',
  payee: { name: 'ACME Ltd', account: 'DE89370400440532013000' },
  reference: 'Invoice 42',
  ...overrides,
});

const sha256url = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

describe('Transaction binding (contract v2): transaction on create, transactionData and transactionHash on every approval', () => {
  const app = useTestApp();

  it.each([
    ['an amount with an exponent', { amount: '1e3' }, 'transaction.amount'],
    ['an amount as a number', { amount: 1250 }, 'transaction.amount'],
    ['a zero amount', { amount: '0.00' }, 'transaction.amount'],
    ['a negative amount', { amount: '-5.00' }, 'transaction.amount'],
    ['an empty amount', { amount: '' }, 'transaction.amount'],
    ['an amount with 16 integer digits', { amount: '1234567890123456' }, 'transaction.amount'],
    ['three decimals in EUR', { amount: '10.001' }, 'transaction.amount'],
    ['decimals in JPY', { amount: '1250.5', currency: 'JPY' }, 'transaction.amount'],
    ['four decimals in KWD', { amount: '1.2345', currency: 'KWD' }, 'transaction.amount'],
    ['a missing amount', { amount: undefined }, 'transaction.amount'],
    ['a lower-case currency', { currency: 'eur' }, 'transaction.currency'],
    ['a currency not in ISO 4217', { currency: 'ABC' }, 'transaction.currency'],
    ['a missing currency', { currency: undefined }, 'transaction.currency'],
    ['a missing payee', { payee: undefined }, 'transaction.payee'],
    ['a payee as a string', { payee: 'ACME' }, 'transaction.payee'],
    ['an empty payee name', { payee: { name: '', account: 'DE89370400440532013000' } }, 'transaction.payee.name'],
    ['a payee name over 140 chars', { payee: { name: 'n'.repeat(141), account: 'DE89370400440532013000' } }, 'transaction.payee.name'],
    ['a missing payee account', { payee: { name: 'ACME Ltd' } }, 'transaction.payee.account'],
    ['a payee account over 64 chars', { payee: { name: 'ACME Ltd', account: 'A'.repeat(65) } }, 'transaction.payee.account'],
    ['an unknown payee field', { payee: { name: 'ACME Ltd', account: 'DE89', bic: 'COBADEFFXXX' } }, 'transaction.payee.bic'],
    ['a reference over 140 chars', { reference: 'r'.repeat(141) }, 'transaction.reference'],
    ['a reference as a number', { reference: 42 }, 'transaction.reference'],
    ['an unknown transaction field', { iban: 'DE89' }, 'transaction.iban'],
    // Contract v3: one sum, one spelling; codes that name no currency are no currency.
    ['"10" EUR (the review), without its two decimals', { amount: '10' }, 'transaction.amount'],
    ['"10.0" EUR (the review), with one decimal', { amount: '10.0' }, 'transaction.amount'],
    ['"1000.00" JPY, decimals JPY does not have', { amount: '1000.00', currency: 'JPY' }, 'transaction.amount'],
    ['"1.50" KWD, one decimal short', { amount: '1.50', currency: 'KWD' }, 'transaction.amount'],
    ['XXX (the review), "no currency"', { currency: 'XXX' }, 'transaction.currency'],
    ['XTS (the review), the testing code', { currency: 'XTS' }, 'transaction.currency'],
    ['XAU, gold', { currency: 'XAU' }, 'transaction.currency'],
    ['XDR, the IMF special drawing right', { currency: 'XDR' }, 'transaction.currency'],
    ['CLF, a funds code', { currency: 'CLF' }, 'transaction.currency'],
  ])('refuses %s with 400 naming the field; nothing is created', async (_name, overrides, field) => {
    const operationId = `tx-${randomUUID()}`;
    const creates = (await app.t.sim.stats()).requests.create;
    const res = await app.bank.create({ userId: newUserId(), operationId, transaction: makeTransaction(overrides) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, code: 'invalid_request' });
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    expect((await app.t.sim.stats()).requests.create).toBe(creates);
    expect((await app.bank.get(operationId)).status).toBe(404);
  });

  it('binds one sum one way: of "10", "10.0" and "10.00" EUR only "10.00" creates an approval', async () => {
    const answers = [];
    for (const amount of ['10', '10.0', '10.00']) {
      answers.push((await app.bank.create({ userId: newUserId(), transaction: makeTransaction({ amount }) })).status);
    }
    expect(answers).toEqual([400, 400, 201]);
  });

  it.each([
    ['1000', 'JPY'],
    ['1.500', 'KWD'],
    ['0.125', 'BHD'],
    ['10.00', 'USD'],
  ])('accepts %s %s, its exact form', async (amount, currency) => {
    const res = await app.bank.create({ userId: newUserId(), transaction: makeTransaction({ amount, currency }) });
    expect(res.status).toBe(201);
    expect(res.body.transaction).toMatchObject({ amount, currency });
  });

  it.each([
    ['null', null],
    ['a string', 'pay ACME'],
    ['an array', [makeTransaction()]],
  ])('refuses a transaction that is %s with 400 naming it', async (_name, transaction) => {
    const res = await app.bank.create({ userId: newUserId(), transaction });
    expect(res.status).toBe(400);
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain('transaction');
  });

  it('writes the phone message from the transaction, with amount, currency, payee name and account exactly as given', async () => {
    const transaction = makeTransaction({ amount: '0.50', payee: { name: 'Zoë & Søn "Ltd"', account: 'GB82 WEST 1234 5698 7654 32' } });
    const res = await app.bank.create({ userId: newUserId(), transaction });
    expect(res.status).toBe(201);
    const upstream = await app.t.sim.getOperation(res.body.id);
    for (const part of ['0.50', 'EUR', 'Zoë & Søn "Ltd"', 'GB82 WEST 1234 5698 7654 32']) {
      expect(upstream.operationPayload).toContain(part);
    }
    expect(res.body.message).toBe(upstream.operationPayload);
    expect(res.body.transaction).toEqual(transaction);
  });

  it('refuses a message of its own beside the transaction (contract v3): 400 naming message, nothing sent upstream', async () => {
    const creates = (await app.t.sim.stats()).requests.create;
    const res = await app.bank.create({ userId: newUserId(), message: 'Pay your rent', transaction: makeTransaction() });
    expect(res.status).toBe(400);
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['message']);
    expect((await app.t.sim.stats()).requests.create).toBe(creates);
  });

  it('gives transactionData as the JCS of {approvalId, transaction} and transactionHash as its base64url SHA-256, on GET and in events', async () => {
    const transaction = makeTransaction();
    const created = await app.bank.create({ userId: newUserId(), operationId: `tx-${randomUUID()}`, transaction });
    const id = created.body.id;
    const expected = canonicalize({ approvalId: id, transaction }) as string;
    expect(created.body.transactionData).toBe(expected);
    expect(created.body.transactionHash).toBe(sha256url(expected));
    expect(created.body.transactionHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const read = await app.bank.get(id);
    expect(read.body).toMatchObject({ transaction, transactionData: expected, transactionHash: sha256url(expected) });
    const pending = await app.t.events.waitFor(id, 'approval.pending');
    expect(pending.event.data).toMatchObject({ transaction, transactionData: expected, transactionHash: sha256url(expected) });
  });

  it('gives an approval without a transaction the JCS of {approvalId, message}, "" when there is no message', async () => {
    const withMessage = await app.bank.create({ userId: newUserId(), message: 'Log in from a new device' });
    expect(withMessage.body.transactionData).toBe(canonicalize({ approvalId: withMessage.body.id, message: 'Log in from a new device' }));
    const bare = await app.bank.create({ userId: newUserId() });
    expect(bare.body.transactionData).toBe(`{"approvalId":${JSON.stringify(bare.body.id)},"message":""}`);
    expect(bare.body.transactionHash).toBe(sha256url(bare.body.transactionData as string));
  });

  it('answers 200 with the same approval to the same transaction again, and 409 to another transaction', async () => {
    const body = { userId: newUserId(), operationId: `tx-${randomUUID()}`, transaction: makeTransaction() };
    expect((await app.bank.create(body)).status).toBe(201);
    const again = await app.bank.create({
      ...body,
      transaction: {
        reference: 'Invoice 42',
        payee: { account: 'DE89370400440532013000', name: 'ACME Ltd' },
        currency: 'EUR',
        amount: '1250.00',
      },
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(body.operationId);
    const other = await app.bank.create({ ...body, transaction: makeTransaction({ amount: '1250.01' }) });
    expect(other.status).toBe(409);
  });
});
