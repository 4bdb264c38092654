import { randomUUID } from 'node:crypto';
import { BANK_APP } from '../helpers/clients';
import { ApiResponse } from '../helpers/api-client';
import { newUserId, useTestApp } from '../helpers/test-app';

describe('Approval requests: bad input is a clear 4xx, never a 5xx', () => {
  const app = useTestApp();

  const valid = () => ({ userId: newUserId() });

  it.each([
    ['missing userId', { userId: undefined }, 'userId'],
    ['non-hex userId', { userId: 'XYZ' }, 'userId'],
    ['too long userId', { userId: 'A'.repeat(129) }, 'userId'],
    ['numeric userId', { userId: 1234 }, 'userId'],
    ['operationId with a slash', { operationId: 'a/b' }, 'operationId'],
    ['operationId with a space', { operationId: 'a b' }, 'operationId'],
    ['empty operationId', { operationId: '' }, 'operationId'],
    ['too long operationId', { operationId: 'a'.repeat(129) }, 'operationId'],
    ['too long externalUserId', { externalUserId: 'x'.repeat(257) }, 'externalUserId'],
    ['non-string message', { message: 42 }, 'message'],
    ['too long message', { message: 'm'.repeat(4097) }, 'message'],
    ['timeoutSeconds as a string', { timeoutSeconds: '30' }, 'timeoutSeconds'],
    ['timeoutSeconds zero', { timeoutSeconds: 0 }, 'timeoutSeconds'],
    ['timeoutSeconds above a day', { timeoutSeconds: 86401 }, 'timeoutSeconds'],
    ['fractional timeoutSeconds', { timeoutSeconds: 1.5 }, 'timeoutSeconds'],
    ['callbackUrl not a URL', { callbackUrl: 'not a url' }, 'callbackUrl'],
    ['callbackUrl with another scheme', { callbackUrl: 'ftp://bank.example/x' }, 'callbackUrl'],
    ['callbackUrl outside callbackOrigins', { callbackUrl: 'https://evil.example/hook' }, 'callbackUrl'],
    // null is not "absent": found by test/hostile-input, it once reached the origin check as null.
    ['callbackUrl null', { callbackUrl: null }, 'callbackUrl'],
    ['message null', { message: null }, 'message'],
    ['metadata as an array', { metadata: [1, 2] }, 'metadata'],
    ['metadata as a string', { metadata: 'x' }, 'metadata'],
    ['metadata over 4 KiB', { metadata: { blob: 'x'.repeat(4100) } }, 'metadata'],
    ['an unknown field', { color: 'red' }, 'color'],
  ])('refuses %s with 400 naming the field', async (_name, fields, field) => {
    const res = await app.bank.create({ ...valid(), ...fields });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(JSON.stringify(res.body)).toContain(field);
  });

  it('accepts a callbackUrl whose origin is configured for the client', async () => {
    const res = await app.bank.create({ ...valid(), callbackUrl: 'https://bank.example/hooks/stepup' });
    expect(res.status).toBe(201);
  });

  it('refuses a body that is not application/json with 415', async () => {
    const res = await app.bank.request('POST', '/v1/approvals', 'userId=AB', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await app.bank.request('POST', '/v1/approvals', '{"userId": "AB",');
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('at JSON.parse');
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"AB"'],
    ['null', 'null'],
    ['a number', '7'],
  ])('refuses %s as the body with 400', async (_n, raw) => {
    const res = await app.bank.request('POST', '/v1/approvals', raw);
    expect(res.status).toBe(400);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await app.bank.create({ ...valid(), message: 'x'.repeat(100_000) });
    expect(res.status).toBe(413);
  });

  it('answers an unknown approval with 404, whatever the id looks like', async () => {
    for (const id of ['nope', '..%2F..%2Fetc%2Fpasswd', 'a'.repeat(300), '%00']) {
      const res = await app.bank.request('GET', `/v1/approvals/${id}`);
      expect(res.status).toBe(404);
    }
  });

  describe('a body means exactly what it says (contract v3, issue 18 items 8 and 12)', () => {
    const fields = (res: ApiResponse) => ((res.body?.errors ?? []) as { field: string }[]).map((e) => e.field);
    const payee = '{"name":"ACME Ltd","account":"DE89370400440532013000"}';

    /** POSTs the raw text as a create with a fresh operationId and checks that nothing reached Recognize or Redis. */
    async function createRaw(members: string): Promise<ApiResponse> {
      const operationId = `raw-${randomUUID()}`;
      const creates = (await app.t.sim.stats()).requests.create;
      const res = await app.bank.request('POST', '/v1/approvals', `{"userId":"${newUserId()}","operationId":"${operationId}",${members}}`);
      expect((await app.t.sim.stats()).requests.create).toBe(creates);
      expect((await app.bank.get(operationId)).status).toBe(404);
      expect(await app.t.redis.exists(app.t.keys.approval(operationId))).toBe(0);
      return res;
    }

    it.each([
      [
        'the amount, last one larger (the review)',
        `"transaction":{"amount":"10.00","currency":"EUR","payee":${payee},"amount":"9999.00"}`,
        'transaction.amount',
      ],
      [
        'the payee account',
        `"transaction":{"amount":"10.00","currency":"EUR","payee":{"name":"ACME","account":"DE89","account":"DE02"}}`,
        'transaction.payee.account',
      ],
      ['the message, once escaped', '"message":"Log in","\\u006dessage":"Pay Mallory"', 'message'],
      ['a metadata member', '"metadata":{"transferId":"tr_1","transferId":"tr_2"}', 'metadata.transferId'],
    ])('refuses a body that repeats %s with 400 naming it; nothing is created', async (_name, members, field) => {
      const res = await createRaw(members);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ status: 400, code: 'invalid_request' });
      expect(fields(res)).toEqual([field]);
    });

    it.each([
      ['consume', (id: string) => `/v1/approvals/${id}/consume`, '{"reference":"pay-1","reference":"pay-2"}', 'reference'],
      ['signature', (id: string) => `/v1/approvals/${id}/signature`, '{"jwt":"a.b.c","jwt":"d.e.f"}', 'jwt'],
      ['cancel', (id: string) => `/v1/approvals/${id}/cancel`, '{"a":1,"a":2}', 'a'],
    ])('refuses a repeated member on %s too, before looking at the approval', async (_name, path, raw, field) => {
      const created = await app.bank.create({ userId: newUserId() });
      const res = await app.bank.request('POST', path(created.body.id), raw);
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual([field]);
      expect((await app.bank.get(created.body.id)).body).toMatchObject({ status: 'pending' });
    });

    it('reads a UTF-16 body as the parser will: a repeated member there is refused too', async () => {
      const text = `{"userId":"${newUserId()}","message":"Log in","message":"Pay Mallory"}`;
      const res = await fetch(`${app.t.url}/v1/approvals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BANK_APP.apiKey}`, 'content-type': 'application/json; charset=utf-16le' },
        body: Buffer.from(text, 'utf16le'),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['message']);
    });

    it.each([
      ['{"a":1e999} in metadata (the review: it came back as null)', '"metadata":{"a":1e999}', 'metadata.a'],
      ['a number that underflows to 0', '"metadata":{"a":1e-400}', 'metadata.a'],
      ['an integer that loses its last digit', '"metadata":{"id":9007199254740993}', 'metadata.id'],
      ['an overflowing timeoutSeconds', '"timeoutSeconds":1e999', 'timeoutSeconds'],
    ])('refuses %s with 400 naming the field; nothing is created', async (_name, members, field) => {
      const res = await createRaw(members);
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual([field]);
    });

    it('returns metadata numbers as given: other spellings of the same value come back as that value', async () => {
      const res = await app.bank.request(
        'POST',
        '/v1/approvals',
        `{"userId":"${newUserId()}","metadata":{"a":1.0,"b":1e2,"c":0.1,"d":9007199254740992}}`,
      );
      expect(res.status).toBe(201);
      expect(res.body.metadata).toEqual({ a: 1, b: 100, c: 0.1, d: 9007199254740992 });
    });

    it.each([
      [
        'transaction.payee.__proto__ (the review)',
        `"transaction":{"amount":"10.00","currency":"EUR","payee":{"name":"ACME","account":"DE89","__proto__":{"account":"DE02"}}}`,
        'transaction.payee.__proto__',
      ],
      [
        'transaction.payee.constructor',
        `"transaction":{"amount":"10.00","currency":"EUR","payee":{"name":"ACME","account":"DE89","constructor":{"prototype":{}}}}`,
        'transaction.payee.constructor',
      ],
      [
        'transaction.prototype',
        `"transaction":{"amount":"10.00","currency":"EUR","payee":${payee},"prototype":1}`,
        'transaction.prototype',
      ],
      ['__proto__ at the top', '"__proto__":{"message":"Pay Mallory"}', '__proto__'],
      ['toString in metadata (it was dropped)', '"metadata":{"toString":"x"}', 'metadata.toString'],
    ])('refuses %s like any unknown field, naming it; nothing is created', async (_name, members, field) => {
      const res = await createRaw(members);
      expect(res.status).toBe(400);
      expect(fields(res)).toEqual([field]);
      expect(res.body.detail).toContain(`${field} is not a known field`);
    });
  });
});
