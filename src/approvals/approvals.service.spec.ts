import { ApprovalAlreadyTerminalError, ApprovalNotFoundError, InvalidRequestError } from '../common/app.errors';
import { ClientConfig } from '../clients/client.config';
import { EventsTokenService } from '../events/events-token.service';
import { MetricsService } from '../metrics/metrics.service';
import { PollProducer } from '../polling/poll.producer';
import { DeliveryProducer } from '../webhooks/delivery.producer';
import { FakeApprovalsStore, makeApproval } from '../../test/unit/fake-approvals-store';
import { strictMock } from '../../test/unit/strict-mock';
import { ApprovalCreationService } from './approval-creation.service';
import { ApprovalsService } from './approvals.service';
import { ApprovalsStore } from './approvals.store';

const bank: ClientConfig = { id: 'bank-app', apiKey: 'k'.repeat(20), callbackOrigins: ['https://bank.example'] };
const other: ClientConfig = { id: 'other-app', apiKey: 'o'.repeat(20), callbackOrigins: [] };

describe(ApprovalsService.name, () => {
  let store: FakeApprovalsStore;
  let deliveries: jest.Mocked<DeliveryProducer>;
  let polls: jest.Mocked<PollProducer>;
  let creation: jest.Mocked<ApprovalCreationService>;
  let sut: ApprovalsService;

  beforeEach(() => {
    store = new FakeApprovalsStore();
    deliveries = strictMock<DeliveryProducer>({ scheduleFor: async () => undefined }, 'deliveries');
    polls = strictMock<PollProducer>({ stop: async () => undefined }, 'polls');
    creation = strictMock<ApprovalCreationService>({}, 'creation');
    const tokens = strictMock<EventsTokenService>({ issue: () => 'token' }, 'tokens');
    const metrics = strictMock<MetricsService>({ approvalCreated: () => undefined, approvalFinished: () => undefined }, 'metrics');
    sut = new ApprovalsService(store as unknown as ApprovalsStore, creation, polls, deliveries, tokens, metrics);
  });

  it('moves a pending approval to its terminal status once, with one terminal event, and schedules its delivery', async () => {
    await store.create(makeApproval(), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });
    const finished = await sut.finish('op-1', 'approved', { authType: 'pin' });
    expect(finished).toMatchObject({ status: 'approved', authType: 'pin', decidedAt: expect.any(String) });
    expect(store.events.get('op-1')?.map((e) => e.type)).toEqual(['approval.pending', 'approval.approved']);
    expect(deliveries.scheduleFor).toHaveBeenCalledTimes(1);
  });

  it('lets the first of two racing terminal changes win and reports it to the loser', async () => {
    await store.create(makeApproval(), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });
    const [a, b] = await Promise.all([sut.finish('op-1', 'cancelled'), sut.finish('op-1', 'approved')]);
    expect(a?.status).toBe(b?.status);
    expect(store.events.get('op-1')).toHaveLength(2);
    expect(deliveries.scheduleFor).toHaveBeenCalledTimes(1);
  });

  it('clears the outbox entry of a terminal event once it is handed to delivery', async () => {
    await store.create(makeApproval(), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });
    await sut.finish('op-1', 'rejected');
    expect(store.unnotified.has('op-1')).toBe(false);
  });

  it('hands over a terminal event that a crash kept from delivery', async () => {
    await store.create(makeApproval(), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });
    const decided = { ...(await store.get('op-1'))!, status: 'approved' as const };
    await store.transition(decided, { id: 'evt_2', type: 'approval.approved', createdAt: '', data: { status: 'approved' } as never });
    expect(await sut.notifyOverdue(Date.now())).toBe(1);
    expect(deliveries.scheduleFor).toHaveBeenCalledWith(expect.objectContaining({ id: 'op-1' }), expect.objectContaining({ id: 'evt_2' }));
    expect(store.unnotified.size).toBe(0);
  });

  it('leaves a terminal approval as it is', async () => {
    await store.create(makeApproval({ status: 'rejected' }), { id: 'evt_1', type: 'approval.rejected', createdAt: '', data: {} as never });
    expect((await sut.finish('op-1', 'expired'))?.status).toBe('rejected');
    expect(deliveries.scheduleFor).not.toHaveBeenCalled();
  });

  it('cancels a pending approval and stops its polling', async () => {
    await store.create(makeApproval(), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });
    const cancelled = await sut.cancel(bank, 'op-1');
    expect(cancelled).toMatchObject({ status: 'cancelled', eventsUrl: '/v1/approvals/op-1/events?token=token' });
    expect(polls.stop).toHaveBeenCalledWith('op-1');
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

  it('re-schedules the delivery of the terminal event when asked to ensure notification', async () => {
    await store.create(makeApproval(), { id: 'evt_1', type: 'approval.pending', createdAt: '', data: {} as never });
    const finished = await sut.finish('op-1', 'expired');
    deliveries.scheduleFor.mockClear();
    await sut.ensureNotified(finished!);
    expect(deliveries.scheduleFor).toHaveBeenCalledWith(finished, expect.objectContaining({ type: 'approval.expired' }));
  });
});
