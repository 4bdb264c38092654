import { InvalidRequestError } from '../common/app.errors';
import { decodeCursor, encodeCursor } from './approvals-list.service';

describe('list cursors', () => {
  it('round-trips a position, ids with separators included', () => {
    const position = { score: 1_764_650_000_123, id: 'txn:2025.05-21_001' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('refuses anything that is not a cursor of the endpoint, naming the parameter', () => {
    for (const cursor of ['Zm9v', encodeCursor({ score: 1, id: '' }), Buffer.from('x:y').toString('base64url')]) {
      expect(() => decodeCursor(cursor)).toThrow(InvalidRequestError);
      try {
        decodeCursor(cursor);
      } catch (err) {
        expect((err as InvalidRequestError).errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
      }
    }
  });
});
