import { compareStreamIds } from './event-stream.subscriber';

describe('compareStreamIds', () => {
  it('orders by milliseconds, then by sequence, numerically rather than as text', () => {
    expect(compareStreamIds('10-0', '9-5')).toBe(1);
    expect(compareStreamIds('1700000000000-2', '1700000000000-10')).toBe(-1);
    expect(compareStreamIds('5-3', '5-3')).toBe(0);
    expect(compareStreamIds('0-0', '1-0')).toBe(-1);
  });
});
