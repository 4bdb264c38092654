import {
  ApprovalAlreadyTerminalError,
  ApprovalExpiredError,
  ApprovalNotFoundError,
  ApprovalNotPendingError,
  InvalidRequestError,
} from '../common/app.errors';
import { ReceiptFacts, ReceiptSigner } from '../receipts/receipt.signer';
import { transactionDataFor, transactionHashOf } from '../transactions/transaction';
import { ClientConfig } from '../clients/client.config';
import { MetricsService } from '../metrics/metrics.service';
import { FakeApprovalsStore, makeApproval } from '../../test/unit/fake-approvals-store';
import { strictMock } from '../../test/unit/strict-mock';
import { ApprovalRecord } from './approval';
import { ApprovalEvent } from './approval-event';
import { ApprovalEventsEmitter } from './approval-events.emitter';
import { RecognizeOperationsService } from './recognize-operations.service';
import { UserLimitsService } from '../ratelimit/user-limits.service';
import { AppConfig } from '../config/app.config';
import { ApprovalsService } from './approvals.service';
import { ApprovalsStore } from './approvals.store';
import { EventsUrls } from './events-urls';

const bank: ClientConfig = { id: 'bank-app', apiKey: 'k'.repeat(20), callbackOrigins: ['https://bank.example'] };
const other: ClientConfig = { id: 'other-app', apiKey: 'o'.repeat(20), callbackOrigins: [] };

describe(ApprovalsService.name, () => {
  let store: FakeApprovalsStore;
  let decided: jest.Mock<Promise<void>, [{ record: ApprovalRecord; event: ApprovalEvent }]>;
  let sign: jest.Mock<Promise<string>, [ReceiptFacts]>;
  let sut: ApprovalsService;

  beforeEach(() => {
    store = new FakeApprovalsStore();
    decided = jest.fn(async (_payload: { record: ApprovalRecord; event: ApprovalEvent }) => undefined);
    const announcements = new ApprovalEventsEmitter();
    announcements.on('approval.decided', decided);
    const operations = strictMock<RecognizeOperationsService>({}, 'operations');
    const userLimits = strictMock<UserLimitsService>({}, 'userLimits');
    const tokens = strictMock<EventsUrls>({ eventsUrl: (r: { id: string }) => `/v1/approvals/${r.id}/events?token=token` }, 'tokens');
    const metrics = strictMock<MetricsService>({ approvalCreated: () => undefined, approvalFinished: () => undefined }, 'metrics');
    sign = jest.fn(async (facts: ReceiptFacts) => `receipt-of-${facts.approvalId}-${facts.approvedBy}`);
    const receipts = strictMock<ReceiptSigner>({ sign }, 'receipts');
    sut = new ApprovalsService(
      store as unknown as ApprovalsStore,
      operations,
      userLimits,
      announcements,
      tokens,
      metrics,
      receipts,
      strictMock<AppConfig>({}, 'config'),
    );
  });

  it('moves a pending approval to its terminal status once, with one terminal event, and announces the decision', async () => {
    await store.create(makeApproval(), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });
    const finished = await sut.finish('op-1', 'approved', { authType: 'pin' });
    expect(finished).toMatchObject({ status: 'approved', authType: 'pin', decidedAt: expect.any(String) });
    expect(store.events.get('op-1')?.map((e) => e.type)).toEqual(['approval.pending', 'approval.approved']);
    expect(decided).toHaveBeenCalledTimes(1);
  });

  it('lets the first of two racing terminal changes win and reports it to the loser', async () => {
    await store.create(makeApproval(), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });
    const [a, b] = await Promise.all([sut.finish('op-1', 'cancelled'), sut.finish('op-1', 'approved')]);
    expect(a?.status).toBe(b?.status);
    expect(store.events.get('op-1')).toHaveLength(2);
    expect(decided).toHaveBeenCalledTimes(1);
  });

  it('clears the outbox entry of a terminal event once its decision is announced', async () => {
    await store.create(makeApproval(), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });
    await sut.finish('op-1', 'rejected');
    expect(store.awaitingDelivery.has('op-1')).toBe(false);
  });

  it('announces again a decision that a crash kept from delivery, and clears its outbox entry', async () => {
    await store.create(makeApproval(), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });
    const approved = { ...(await store.get('op-1'))!, status: 'approved' as const };
    await store.transition(approved, { id: 'evt_2', type: 'approval.approved', createdAt: '', data: { status: 'approved' } as never });
    expect(await sut.notHandedToDeliveryBefore(0, Date.now(), 10)).toEqual(['op-1']);
    await sut.announceDecisionAgain('op-1');
    expect(decided).toHaveBeenCalledWith({
      record: expect.objectContaining({ id: 'op-1' }),
      event: expect.objectContaining({ id: 'evt_2' }),
    });
    expect(store.awaitingDelivery.size).toBe(0);
  });

  it('keeps the outbox entry when a listener of the decision fails, for the sweep to retry', async () => {
    await store.create(makeApproval(), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });
    decided.mockRejectedValueOnce(new Error('Redis down'));
    await expect(sut.finish('op-1', 'approved')).rejects.toThrow('Redis down');
    expect(store.awaitingDelivery.has('op-1')).toBe(true);
  });

  it('leaves a terminal approval as it is', async () => {
    await store.create(makeApproval({ status: 'rejected' }), { id: 'evt_1', type: 'approval.rejected', createdAt: '', data: {} as never });
    expect((await sut.finish('op-1', 'expired'))?.status).toBe('rejected');
    expect(decided).not.toHaveBeenCalled();
  });

  it('cancels a pending approval', async () => {
    await store.create(makeApproval(), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });
    const cancelled = await sut.cancel(bank, 'op-1');
    expect(cancelled).toMatchObject({ status: 'cancelled', eventsUrl: '/v1/approvals/op-1/events?token=token' });
  });

  it('refuses to cancel a terminal approval', async () => {
    await store.create(makeApproval({ status: 'approved' }), { id: 'evt_1', type: 'approval.approved', createdAt: '', data: {} as never });
    await expect(sut.cancel(bank, 'op-1')).rejects.toBeInstanceOf(ApprovalAlreadyTerminalError);
  });

  it("hides another client's approval as if it did not exist", async () => {
    await store.create(makeApproval(), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });
    await expect(sut.find(other, 'op-1')).rejects.toBeInstanceOf(ApprovalNotFoundError);
    await expect(sut.cancel(other, 'op-1')).rejects.toBeInstanceOf(ApprovalNotFoundError);
  });

  it("refuses a callbackUrl outside the client's callbackOrigins before anything is created", async () => {
    await expect(sut.create(bank, { userId: 'AB', callbackUrl: 'https://evil.example/hook' })).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('announces the terminal event again when asked, for a poll that finds the approval decided', async () => {
    await store.create(makeApproval(), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });
    const finished = await sut.finish('op-1', 'expired');
    decided.mockClear();
    await sut.announceDecisionAgain('op-1');
    expect(decided).toHaveBeenCalledWith({ record: finished, event: expect.objectContaining({ type: 'approval.expired' }) });
  });

  describe('receipts and signatures', () => {
    const signature = { kid: 'rs256-1', alg: 'RS256' as const, verifiedAt: '2026-05-21T10:30:00.000Z' };
    const pending = () =>
      store.create(makeApproval({ message: 'Pay 10 EUR' }), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });

    it('signs the receipt of an approval before its transition, with the decision it records, and puts it in the terminal event', async () => {
      await pending();
      const finished = await sut.finish('op-1', 'approved', { authType: 'biom', approvedBy: 'push' });
      expect(sign).toHaveBeenCalledWith({
        approvalId: 'op-1',
        userId: 'A1B2C3D4E5F6',
        clientId: 'bank-app',
        approvedBy: 'push',
        decidedAt: finished!.decidedAt,
        transactionHash: transactionHashOf(transactionDataFor('op-1', { message: 'Pay 10 EUR' })),
        authType: 'biom',
      });
      expect(finished).toMatchObject({ approvedBy: 'push', receipt: 'receipt-of-op-1-push' });
      expect(store.events.get('op-1')!.at(-1)!.data).toMatchObject({ approvedBy: 'push', receipt: 'receipt-of-op-1-push' });
    });

    it('gives no other status a receipt', async () => {
      await pending();
      expect(await sut.finish('op-1', 'rejected', { approvedBy: 'push' })).not.toHaveProperty('receipt');
      expect(await store.get('op-1')).not.toHaveProperty('approvedBy');
      expect(sign).not.toHaveBeenCalled();
    });

    it('approves a pending approval by signature', async () => {
      await pending();
      const approved = await sut.acceptSignature('op-1', signature, Date.now());
      expect(approved).toMatchObject({ status: 'approved', approvedBy: 'signature', signature, receipt: 'receipt-of-op-1-signature' });
      expect(store.events.get('op-1')).toHaveLength(2);
    });

    it('records a signature on an approval a push approved, with no new event, and keeps the first one recorded', async () => {
      await pending();
      await sut.finish('op-1', 'approved', { approvedBy: 'push' });
      const recorded = await sut.acceptSignature('op-1', signature, Date.now());
      expect(recorded).toMatchObject({ status: 'approved', approvedBy: 'push', signature, receipt: 'receipt-of-op-1-push' });
      await sut.acceptSignature('op-1', { ...signature, kid: 'other' }, Date.now());
      expect((await store.get('op-1'))!.signature).toEqual(signature);
      expect(store.events.get('op-1')).toHaveLength(2);
    });

    it.each(['rejected', 'expired', 'cancelled', 'failed'] as const)('refuses a signature on a %s approval', async (status) => {
      await pending();
      await sut.finish('op-1', status);
      await expect(sut.acceptSignature('op-1', signature, Date.now())).rejects.toBeInstanceOf(ApprovalNotPendingError);
      expect(await store.get('op-1')).not.toHaveProperty('signature');
    });

    it('refuses a signature received at expiresAt with approval_expired, and expires the pending approval with one terminal event', async () => {
      await pending();
      const { expiresAt } = (await store.get('op-1'))!;
      await expect(sut.acceptSignature('op-1', signature, Date.parse(expiresAt))).rejects.toBeInstanceOf(ApprovalExpiredError);
      expect(await store.get('op-1')).toMatchObject({ status: 'expired' });
      expect(await store.get('op-1')).not.toHaveProperty('signature');
      expect(store.events.get('op-1')!.map((e) => e.type)).toEqual(['approval.pending', 'approval.expired']);
    });

    it('records no signature received after expiresAt on an approval a push approved in time', async () => {
      await pending();
      await sut.finish('op-1', 'approved', { approvedBy: 'push' });
      const { expiresAt } = (await store.get('op-1'))!;
      await expect(sut.acceptSignature('op-1', signature, Date.parse(expiresAt) + 1600)).rejects.toBeInstanceOf(ApprovalExpiredError);
      expect(await store.get('op-1')).not.toHaveProperty('signature');
    });
  });
});
