import { BANK_APP } from './helpers/clients';
import { ApiClient } from './helpers/api-client';
import { TestApp, newUserId, startTestApp } from './helpers/test-app';

describe('Approval requests: bad input is a clear 4xx, never a 5xx', () => {
  let t: TestApp;
  let bank: ApiClient;

  beforeAll(async () => {
    t = await startTestApp();
    bank = t.api(BANK_APP.apiKey);
  });
  afterAll(() => t.close());

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
    const res = await bank.create({ ...valid(), ...fields });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(JSON.stringify(res.body)).toContain(field);
  });

  it('accepts a callbackUrl whose origin is configured for the client', async () => {
    const res = await bank.create({ ...valid(), callbackUrl: 'https://bank.example/hooks/stepup' });
    expect(res.status).toBe(201);
  });

  it('refuses a body that is not application/json with 415', async () => {
    const res = await bank.request('POST', '/v1/approvals', 'userId=AB', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await bank.request('POST', '/v1/approvals', '{"userId": "AB",');
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('at JSON.parse');
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"AB"'],
    ['null', 'null'],
    ['a number', '7'],
  ])('refuses %s as the body with 400', async (_n, raw) => {
    const res = await bank.request('POST', '/v1/approvals', raw);
    expect(res.status).toBe(400);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await bank.create({ ...valid(), message: 'x'.repeat(100_000) });
    expect(res.status).toBe(413);
  });

  it('answers an unknown approval with 404, whatever the id looks like', async () => {
    for (const id of ['nope', '..%2F..%2Fetc%2Fpasswd', 'a'.repeat(300), '%00']) {
      const res = await bank.request('GET', `/v1/approvals/${id}`);
      expect(res.status).toBe(404);
    }
  });
});
