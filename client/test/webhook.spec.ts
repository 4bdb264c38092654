import { Webhook } from 'standardwebhooks';
import { StepupClient, verifyWebhook, WebhookVerificationError } from '../src/index';
import { makeApproval } from './test-server';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const OLD_SECRET = `whsec_${Buffer.from('fedcba9876543210fedcba9876543210').toString('base64')}`;
const event = {
  id: 'evt_3f0c5b6f8e2d4a1b',
  type: 'approval.approved',
  createdAt: '2026-12-01T10:00:03.000Z',
  data: makeApproval({ status: 'approved' }),
};
const body = JSON.stringify(event);

/** The headers the service sends, signed with `secret` at `at`. */
function signed(secret: string, payload = body, at = new Date()): Record<string, string> {
  return {
    'webhook-id': event.id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(event.id, at, payload),
  };
}

describe('verifyWebhook', () => {
  it('returns the event of a correctly signed webhook', () => {
    expect(verifyWebhook({ headers: signed(SECRET), body }, SECRET)).toEqual(event);
  });

  it('accepts the raw body as bytes and the headers as a Headers object', () => {
    const headers = new Headers(signed(SECRET));

    expect(verifyWebhook({ headers, body: new TextEncoder().encode(body) }, SECRET)).toEqual(event);
  });

  it("accepts Node's header casing and a header sent twice", () => {
    const { 'webhook-signature': signature, ...rest } = signed(SECRET);
    const headers = { ...rest, 'Webhook-Signature': ['v1,bm90LWl0', signature] };

    expect(verifyWebhook({ headers, body }, SECRET).id).toBe(event.id);
  });

  it('accepts any of several secrets, for a rotation overlap', () => {
    const client = new StepupClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'key-0123456789abcdef' });

    expect(client.verifyWebhook({ headers: signed(OLD_SECRET), body }, [SECRET, OLD_SECRET])).toEqual(event);
  });

  it('refuses a webhook signed with another secret', () => {
    expect(() => verifyWebhook({ headers: signed(OLD_SECRET), body }, SECRET)).toThrow(WebhookVerificationError);
  });

  it('refuses a body changed after signing', () => {
    const tampered = body.replace('"approved"', '"rejected"');

    expect(() => verifyWebhook({ headers: signed(SECRET), body: tampered }, SECRET)).toThrow(WebhookVerificationError);
  });

  it('refuses a webhook signed more than five minutes ago (a replay)', () => {
    const headers = signed(SECRET, body, new Date(Date.now() - 10 * 60_000));

    expect(() => verifyWebhook({ headers, body }, SECRET)).toThrow(/too old/);
  });

  it('refuses a webhook without its headers', () => {
    expect(() => verifyWebhook({ headers: {}, body }, SECRET)).toThrow(WebhookVerificationError);
  });

  it('refuses a signed body that is not an event', () => {
    const payload = JSON.stringify({ hello: 'world' });

    expect(() => verifyWebhook({ headers: signed(SECRET, payload), body: payload }, SECRET)).toThrow('Webhook body is not an event');
  });
});
