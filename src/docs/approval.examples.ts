import { ApprovalRepresentation, ApprovalResponse } from '../approvals/approval';

/*
 * Response examples, shaped after real answers of the service (simulator as Recognize): a pending
 * approval has no decision fields; `authentication.result` is Recognize's value (APPROVED).
 */

const EVENTS_URL = '/v1/approvals/txn-20250521-001/events?token=eyJhIjoidHhuLTIwMjUwNTIxLTAwMSIsImMiOiJiYW5rLWFwcCIsImUiOjE3NDc4MjQ0MDB9.oYl3qS6bX0c9n3QmZ2xWc1t2pJ8KzU4yR5vT7wA1b2E';

export const PENDING_APPROVAL_EXAMPLE: ApprovalRepresentation = {
  id: 'txn-20250521-001',
  operationId: 'txn-20250521-001',
  userId: 'A1B2C3D4E5F6',
  message: 'Approve wire transfer of $500 to account 1234',
  metadata: { transferId: 'tr_123' },
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
  data: [CANCELLED_APPROVAL_EXAMPLE, { ...PENDING_APPROVAL_EXAMPLE, id: 'txn-20250521-000', operationId: 'txn-20250521-000', createdAt: '2025-05-21T10:14:00.000Z', expiresAt: '2025-05-21T10:19:00.000Z' }],
  nextCursor: 'MTc0NzgyMjQ0MDAwMDp0eG4tMjAyNTA1MjEtMDAw',
};
