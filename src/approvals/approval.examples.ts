import { ApprovalRepresentation, ApprovalResponse } from './approval';
import { Transaction, phoneMessageFor, transactionDataFor, transactionHashOf } from '../transactions/transaction';

/*
 * Response examples, shaped after real answers of the service (simulator as Recognize): a pending
 * approval has no decision fields; `authentication.result` is Recognize's value (APPROVED).
 */

const EVENTS_URL = '/v1/approvals/txn-20250521-001/events?token=k0.swtcxc.6aXQm0PlxmCVYhOq2fTU9w';

const TRANSACTION: Transaction = {
  amount: '500.00',
  currency: 'USD',
  payee: { name: 'ACME Ltd', account: 'US12 3456 7890 1234' },
  reference: 'Invoice 42',
};

/** The binding fields as the service computes them, so that the examples cannot disagree with it. */
function bound(id: string): Pick<ApprovalRepresentation, 'transaction' | 'transactionData' | 'transactionHash'> {
  const transactionData = transactionDataFor(id, { transaction: TRANSACTION });
  return { transaction: TRANSACTION, transactionData, transactionHash: transactionHashOf(transactionData) };
}

export const PENDING_APPROVAL_EXAMPLE: ApprovalRepresentation = {
  id: 'txn-20250521-001',
  operationId: 'txn-20250521-001',
  userId: 'A1B2C3D4E5F6',
  message: phoneMessageFor(TRANSACTION),
  metadata: { transferId: 'tr_123' },
  ...bound('txn-20250521-001'),
  status: 'pending',
  createdAt: '2025-05-21T10:15:00.000Z',
  expiresAt: '2025-05-21T10:20:00.000Z',
  eventsUrl: EVENTS_URL,
};

export const APPROVED_APPROVAL_EXAMPLE: ApprovalResponse = {
  ...PENDING_APPROVAL_EXAMPLE,
  status: 'approved',
  decidedAt: '2025-05-21T10:15:42.118Z',
  authType: 'biom',
  authentication: { result: 'APPROVED', errorCode: 0, createdAt: '2025-05-21T10:15:41.560Z', authType: 'biom', deviceId: 'device-7f3a' },
  deliveries: [
    {
      eventId: 'evt_4f1c2a9e0b7d4c3e9a8b7c6d5e4f3a2b',
      url: 'https://bank.example/hooks/stepup',
      state: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      lastAttemptAt: '2025-05-21T10:15:42.301Z',
      deliveredAt: '2025-05-21T10:15:42.301Z',
    },
  ],
};

export const CANCELLED_APPROVAL_EXAMPLE: ApprovalRepresentation = {
  ...PENDING_APPROVAL_EXAMPLE,
  status: 'cancelled',
  decidedAt: '2025-05-21T10:16:03.447Z',
};

export const APPROVAL_PAGE_EXAMPLE = {
  data: [
    CANCELLED_APPROVAL_EXAMPLE,
    {
      ...PENDING_APPROVAL_EXAMPLE,
      id: 'txn-20250521-000',
      operationId: 'txn-20250521-000',
      ...bound('txn-20250521-000'),
      createdAt: '2025-05-21T10:14:00.000Z',
      expiresAt: '2025-05-21T10:19:00.000Z',
    },
  ],
  nextCursor: 'MTc0NzgyMjQ0MDAwMDp0eG4tMjAyNTA1MjEtMDAw',
};
