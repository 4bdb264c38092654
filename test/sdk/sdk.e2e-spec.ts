import {
  ConflictError,
  InvalidSignatureError,
  NotFoundError,
  ReceiptVerificationError,
  StepupClient,
  ValidationError,
  WebhookVerificationError,
  transactionHash,
  verifyWebhook,
  type Approval,
  type ApprovalEvent,
  type ProblemCode as SdkProblemCode,
  type Transaction,
} from '../../client/src/index';
import { PROBLEM_CODE_NAMES, type ProblemCode as ServiceProblemCode } from '../../src/common/problem';
import { until } from '../helpers/eventually';
import { BANK_APP, ROTATING_APP } from '../helpers/clients';
import { TestApp, newUserId, startTestApp } from '../helpers/test-app';
import { WebhookReceiver } from '../helpers/webhook-receiver';
import { ApprovalWaiters } from '../../src/events/approval-waiters';

const HOOKED = {
  id: 'sdk-app',
  apiKey: 'sdk-app-key-0123456789abcdef',
  webhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};

const PAYMENT: Transaction = {
  amount: '1250.00',
  currency: 'EUR',
  payee: { name: 'ACME Ltd', account: 'DE89370400440532013000' },
  reference: 'Invoice 42',
};

/** The rejection of `promise`, to assert on (and fail when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The SDK in client/ against the real service, the simulator as Recognize and a real webhook receiver. */
describe('SDK (client/) against the real service', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let sdk: StepupClient;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestApp({
      CLIENTS: JSON.stringify([
        BANK_APP,
        { ...HOOKED, webhookUrl: `${receiver.origin}/hooks`, callbackOrigins: [] },
        { ...ROTATING_APP, webhookUrl: `${receiver.origin}/rotating` },
      ]),
      USER_MAX_PENDING: '20',
      USER_MAX_CREATIONS_PER_MINUTE: '20',
    });
    sdk = new StepupClient({ baseUrl: t.url, apiKey: HOOKED.apiKey });
  });

  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('createApproval and getApproval answer the same approval', async () => {
    const created = await sdk.createApproval({
      userId: newUserId().toLowerCase(),
      message: 'Approve the transfer',
      metadata: { ref: 'r-1' },
    });
    expect(created).toMatchObject({
      status: 'pending',
      metadata: { ref: 'r-1' },
      eventsUrl: expect.stringMatching(/^\/v1\/approvals\/.+\/events\?token=/),
    });
    const { deliveries, ...read } = await sdk.getApproval(created.id);
    expect(deliveries).toEqual([]);
    expect(read).toEqual(created);
  });

  it('getApproval with wait answers once the approval is decided through the simulator', async () => {
    const created = await sdk.createApproval({ userId: newUserId(), message: 'Approve' });
    const waiting = sdk.getApproval(created.id, { wait: 30 });
    await until('the long-poll waits', () => (t.app.get(ApprovalWaiters).count() > 0 ? true : undefined));
    await t.sim.approve(created.id, 'pin');
    expect(await waiting).toMatchObject({ id: created.id, status: 'approved', authType: 'pin' });
  });

  it('listApprovals iterates every approval of a user, newest first, across pages', async () => {
    const userId = newUserId();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await sdk.createApproval({ userId, message: `Approve ${i}` })).id);
    const seen: Approval[] = [];
    for await (const approval of sdk.listApprovals({ userId, limit: 2 })) seen.push(approval);
    expect(seen.map((a) => a.id)).toEqual([...ids].reverse());
  });

  it('cancelApproval cancels a pending approval', async () => {
    const created = await sdk.createApproval({ userId: newUserId(), message: 'Approve' });
    expect(await sdk.cancelApproval(created.id)).toMatchObject({ id: created.id, status: 'cancelled', decidedAt: expect.any(String) });
  });

  it('waitForDecision follows the events (SSE) until the simulator approves, and the webhook verifies', async () => {
    const created = await sdk.createApproval({ userId: newUserId(), message: 'Approve' });
    const events: ApprovalEvent[] = [];
    let sawPending!: () => void;
    const pendingSeen = new Promise<void>((resolve) => (sawPending = resolve));
    const decided = sdk.waitForDecision(created.id, {
      eventsUrl: created.eventsUrl,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'approval.pending') sawPending();
      },
    });
    await pendingSeen;
    await t.sim.approve(created.id, 'biom');
    const approval = await decided;
    expect(approval).toMatchObject({ id: created.id, status: 'approved', authType: 'biom' });
    expect(events.map((e) => e.type)).toEqual(['approval.pending', 'approval.approved']);

    // Earlier tests' decisions are webhooks too: take this approval's.
    const request = await until('the webhook of this approval', () =>
      receiver.requests.find((r) => r.rawBody.includes(JSON.stringify(created.id))),
    );
    const event = sdk.verifyWebhook({ headers: request.headers, body: request.rawBody }, HOOKED.webhookSecret);
    expect(event).toMatchObject({
      id: request.headers['webhook-id'],
      type: 'approval.approved',
      data: { id: created.id, status: 'approved', eventsUrl: created.eventsUrl },
    });
    expect(event).toEqual(events[1]);
    expect(() =>
      sdk.verifyWebhook({ headers: request.headers, body: request.rawBody.replace('approved', 'rejected') }, HOOKED.webhookSecret),
    ).toThrow();
  });

  /** A pending approval of PAYMENT. */
  const createPayment = (client = sdk) => client.createApproval({ userId: newUserId(), transaction: PAYMENT });

  /** An approval of PAYMENT approved in the bank's app: the simulator signs its transactionData as the Recognize SDK would. */
  async function signedPayment(client = sdk): Promise<Approval> {
    const created = await createPayment(client);
    return client.submitSignature(created.id, await t.sim.signTransaction({ td: created.transactionData }));
  }

  it('createApproval with a transaction answers its transactionData and transactionHash, as transactionHash() recomputes them', async () => {
    const created = await createPayment();
    expect(created).toMatchObject({
      status: 'pending',
      transaction: PAYMENT,
      message: expect.stringContaining('1250.00 EUR'),
      transactionData: expect.any(String),
      transactionHash: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(JSON.parse(created.transactionData)).toEqual({ approvalId: created.id, transaction: PAYMENT });
    expect(transactionHash(created.id, PAYMENT)).toEqual({
      transactionData: created.transactionData,
      transactionHash: created.transactionHash,
    });
    const { deliveries: _d, ...read } = await sdk.getApproval(created.id);
    expect(read).toEqual(created);
  });

  it('submitSignature with a simulator-signed JWT approves by signature, and verifyReceipt checks the receipt against /.well-known/jwks.json', async () => {
    const created = await createPayment();
    const jwt = await t.sim.signTransaction({ td: created.transactionData, alg: 'ES256' });

    const signed = await sdk.submitSignature(created.id, jwt);

    expect(signed).toMatchObject({
      id: created.id,
      status: 'approved',
      approvedBy: 'signature',
      decidedAt: expect.any(String),
      signature: { alg: 'ES256', kid: expect.any(String), verifiedAt: expect.any(String) },
      receipt: expect.any(String),
    });
    // What the bank recomputes from its own payment record, not what the service says.
    const expected = transactionHash(created.id, PAYMENT).transactionHash;
    const claims = await sdk.verifyReceipt(signed.receipt!, {
      expectedAudience: HOOKED.id,
      approvalId: created.id,
      transactionHash: expected,
    });
    expect(claims).toEqual({
      iss: 'stepup-orchestrator',
      sub: created.userId,
      aud: HOOKED.id,
      jti: created.id,
      iat: expect.any(Number),
      status: 'approved',
      approvedBy: 'signature',
      decidedAt: signed.decidedAt,
      transactionHash: expected,
    });
    // The same JWT again: the contract makes it idempotent, the approval does not change.
    const { eventsUrl: _a, ...again } = await sdk.submitSignature(created.id, jwt);
    const { eventsUrl: _b, ...first } = signed;
    expect(again).toEqual(first);
  });

  it('verifyReceipt throws ReceiptVerificationError for a tampered receipt, another audience or another payment', async () => {
    const signed = await signedPayment();
    const receipt = signed.receipt!;
    const [header, payload, signature] = receipt.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(
      JSON.stringify({ ...claims, transactionHash: transactionHash(signed.id, { ...PAYMENT, amount: '9250.00' }).transactionHash }),
    ).toString('base64url');
    const tampered = [`${header}.${forged}.${signature}`, `${header}.${payload}.${signature.slice(0, -4)}AAAA`];

    for (const jwt of tampered) {
      await expect(sdk.verifyReceipt(jwt, { expectedAudience: HOOKED.id })).rejects.toBeInstanceOf(ReceiptVerificationError);
    }
    await expect(sdk.verifyReceipt(receipt, { expectedAudience: BANK_APP.id })).rejects.toBeInstanceOf(ReceiptVerificationError);
    const otherPayment = transactionHash(signed.id, {
      ...PAYMENT,
      payee: { ...PAYMENT.payee, account: 'GB33BUKB20201555555555' },
    }).transactionHash;
    await expect(sdk.verifyReceipt(receipt, { expectedAudience: HOOKED.id, transactionHash: otherPayment })).rejects.toBeInstanceOf(
      ReceiptVerificationError,
    );
    await expect(
      sdk.verifyReceipt(receipt, { expectedAudience: HOOKED.id, transactionHash: signed.transactionHash }),
    ).resolves.toMatchObject({ jti: signed.id });
  });

  it('consumeApproval consumes once: the same reference again answers the same, another throws ConflictError approval_already_consumed', async () => {
    const signed = await signedPayment();

    const consumed = await sdk.consumeApproval(signed.id, { reference: 'payment-1' });
    expect(consumed).toMatchObject({
      id: signed.id,
      status: 'approved',
      consumedAt: expect.any(String),
      consumedReference: 'payment-1',
      receipt: signed.receipt,
    });
    expect(await sdk.consumeApproval(signed.id, { reference: 'payment-1' })).toMatchObject({
      consumedAt: consumed.consumedAt,
      consumedReference: 'payment-1',
    });

    const error = await rejectionOf(sdk.consumeApproval(signed.id, { reference: 'payment-2' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({
      status: 409,
      code: 'approval_already_consumed',
      detail: expect.any(String),
      requestId: expect.any(String),
    });
    expect(await sdk.getApproval(signed.id)).toMatchObject({ consumedAt: consumed.consumedAt, consumedReference: 'payment-1' });
  });

  it('consumeApproval on a pending approval throws ConflictError approval_not_approved', async () => {
    const created = await createPayment();
    const error = await rejectionOf(sdk.consumeApproval(created.id, { reference: 'payment-1' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, code: 'approval_not_approved' });
  });

  it('submitSignature with a JWT over another td throws InvalidSignatureError naming td, and changes nothing', async () => {
    const created = await createPayment();
    // The user was shown another amount: the td the app signed is not this approval's.
    const otherTd = transactionHash(created.id, { ...PAYMENT, amount: '9250.00' }).transactionData;

    const error = await rejectionOf(sdk.submitSignature(created.id, await t.sim.signTransaction({ td: otherTd })));

    expect(error).toBeInstanceOf(InvalidSignatureError);
    expect(error).toMatchObject({ status: 422, code: 'invalid_signature', detail: expect.stringMatching(/"td"/) });
    expect(await sdk.getApproval(created.id)).toMatchObject({ status: 'pending' });
    expect(await sdk.getApproval(created.id)).not.toHaveProperty('signature');
  });

  it('submitSignature on a cancelled approval throws ConflictError approval_not_pending', async () => {
    const created = await createPayment();
    await sdk.cancelApproval(created.id);
    const error = await rejectionOf(sdk.submitSignature(created.id, await t.sim.signTransaction({ td: created.transactionData })));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, code: 'approval_not_pending' });
  });

  it("maps the service's real problem bodies: a malformed jwt is a ValidationError naming it, another client's approval a NotFoundError", async () => {
    const created = await createPayment();
    const invalid = await rejectionOf(sdk.submitSignature(created.id, 'not-a-jws'));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid).toMatchObject({ status: 400, code: 'invalid_request', errors: [expect.objectContaining({ field: 'jwt' })] });

    const otherClient = new StepupClient({ baseUrl: t.url, apiKey: BANK_APP.apiKey });
    const notFound = await rejectionOf(otherClient.consumeApproval(created.id, { reference: 'payment-1' }));
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound).toMatchObject({ status: 404, code: 'approval_not_found' });
  });

  it("knows the service's problem codes and no others (a code added on one side only fails to compile)", () => {
    const serviceCodesInSdk: SdkProblemCode[] = PROBLEM_CODE_NAMES;
    const sdkCodesInService: ServiceProblemCode[] = serviceCodesInSdk as SdkProblemCode[];
    expect(sdkCodesInService).toContain('approval_already_consumed');
  });

  it("waitForDecision falls back to long-polling when the service refuses the stream (the approval's token streams are all taken)", async () => {
    const created = await sdk.createApproval({ userId: newUserId(), message: 'Approve' });
    const eventsUrl = new URL(created.eventsUrl!, t.url);
    const holders = Array.from({ length: t.config.sse.maxStreamsPerApproval }, () => new AbortController());
    try {
      const held = await Promise.all(holders.map((h) => fetch(eventsUrl, { headers: { accept: 'text/event-stream' }, signal: h.signal })));
      expect(held.map((r) => r.status)).toEqual(holders.map(() => 200));
      const refused = await fetch(eventsUrl, { headers: { accept: 'text/event-stream' } });
      await refused.body?.cancel();
      expect(refused.status).toBe(429);

      const events: ApprovalEvent[] = [];
      const decided = sdk.waitForDecision(created.id, { eventsUrl: created.eventsUrl, onEvent: (e) => events.push(e) });
      await until('the SDK long-polls GET ?wait', () => (t.app.get(ApprovalWaiters).count() > 0 ? true : undefined));
      await t.sim.approve(created.id, 'pin');

      expect(await decided).toMatchObject({ id: created.id, status: 'approved', authType: 'pin', receipt: expect.any(String) });
      expect(events).toEqual([]);
    } finally {
      for (const h of holders) h.abort();
    }
  });

  it('proves an approval before moving money: verifyWebhook with rotated secrets, verifyReceipt against the payment, consumeApproval', async () => {
    const [oldSecret, newSecret] = ROTATING_APP.webhookSecrets;
    const bank = new StepupClient({ baseUrl: t.url, apiKey: ROTATING_APP.apiKey });
    const signed = await signedPayment(bank);

    const request = await until('the webhook of this approval', () =>
      receiver.requests.find((r) => r.path === '/rotating' && r.rawBody.includes(JSON.stringify(signed.id))),
    );
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
    const webhook = { headers: request.headers, body: request.rawBody };
    const event = bank.verifyWebhook(webhook, [oldSecret, newSecret]);
    expect(event).toMatchObject({
      id: request.headers['webhook-id'],
      type: 'approval.approved',
      data: { id: signed.id, receipt: signed.receipt },
    });
    // Each receiver side of the rotation verifies: one still on the old secret, one already on the new.
    expect(verifyWebhook(webhook, oldSecret)).toEqual(event);
    expect(verifyWebhook(webhook, [newSecret])).toEqual(event);
    const unrelated = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(() => verifyWebhook(webhook, unrelated)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook({ ...webhook, body: webhook.body.replace('"1250.00"', '"9250.00"') }, [oldSecret, newSecret])).toThrow(
      WebhookVerificationError,
    );

    const claims = await bank.verifyReceipt(event.data.receipt!, {
      expectedAudience: ROTATING_APP.id,
      approvalId: event.data.id,
      transactionHash: transactionHash(event.data.id, PAYMENT).transactionHash,
    });
    expect(claims).toMatchObject({ aud: ROTATING_APP.id, jti: signed.id, approvedBy: 'signature' });
    expect(await bank.consumeApproval(event.data.id, { reference: 'payment-77' })).toMatchObject({ consumedReference: 'payment-77' });
    // A second delivery of the same webhook consumes again with the same reference, without error.
    expect(await bank.consumeApproval(event.data.id, { reference: 'payment-77' })).toMatchObject({ consumedReference: 'payment-77' });
  });
});
