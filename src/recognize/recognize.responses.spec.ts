import { readAuthentications, readCreated, readOperation, readPendingOperations } from './recognize.responses';

const upstreamOperation = {
  id: 8819,
  timestamp: '2025-05-21T10:30:00.000',
  nodeId: 'operations-service-node-1',
  userId: 'A1B2C3D4E5F6',
  apiKey: 'CustomerApiKey123',
  operationId: 'txn-20250521-001',
  operationPayload: 'Approve wire transfer of $500 to account 1234',
  externalUserId: 'custom-name@example.com',
  state: 'approved',
  result: true,
  authType: 'biom',
};

describe('Recognize response readers', () => {
  describe(readOperation.name, () => {
    it('reads the documented example and drops apiKey', () => {
      const { apiKey: _dropped, ...rest } = upstreamOperation;
      expect(readOperation(upstreamOperation)).toEqual(rest);
    });

    it('drops fields nobody asked for and an unknown authType', () => {
      const sut = readOperation({ ...upstreamOperation, secret: 'x', authType: 'face' });
      expect(sut).not.toHaveProperty('secret');
      expect(sut).not.toHaveProperty('authType');
    });

    it.each([
      ['operationId missing', { ...upstreamOperation, operationId: undefined }],
      ['state not a string', { ...upstreamOperation, state: 1 }],
      ['result not a boolean', { ...upstreamOperation, result: 'true' }],
      ['not an object', [upstreamOperation]],
      ['null', null],
    ])('refuses a body with %s', (_name, body) => {
      expect(readOperation(body)).toBeUndefined();
    });
  });

  it('reads only {"success": true} as created', () => {
    expect(readCreated({ success: true })).toBe(true);
    expect(readCreated({ success: false })).toBeUndefined();
    expect(readCreated(undefined)).toBeUndefined();
  });

  it('reads pending operations and refuses an element without operationId', () => {
    expect(readPendingOperations([{ operationId: 'a', authType: 'pin' }, { operationId: 'b' }])).toEqual([
      { operationId: 'a', authType: 'pin' },
      { operationId: 'b' },
    ]);
    expect(readPendingOperations([{ operationPayload: 'x' }])).toBeUndefined();
    expect(readPendingOperations({})).toBeUndefined();
  });

  it('flattens telemetry content and refuses a body without content', () => {
    const body = {
      page: { number: 0, size: 20, totalElements: 2, totalPages: 1 },
      content: [
        { userId: 'A1', authentications: [{ createdAt: 't1', result: 'APPROVED', errorCode: 0, operationId: 'op-1', authType: 'biom' }] },
        { userId: 'A1', authentications: [{ createdAt: 't2', result: 'REJECTED', errorCode: 3 }] },
      ],
    };
    expect(readAuthentications(body)).toEqual([
      { createdAt: 't1', result: 'APPROVED', errorCode: 0, operationId: 'op-1', authType: 'biom' },
      { createdAt: 't2', result: 'REJECTED', errorCode: 3 },
    ]);
    expect(readAuthentications({ page: {} })).toBeUndefined();
    expect(readAuthentications({ content: [{ authentications: [{ createdAt: 't' }] }] })).toBeUndefined();
  });
});
