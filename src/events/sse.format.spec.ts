import { sseComment, sseEvent, sseRetry } from './sse.format';

describe('SSE wire format', () => {
  it('writes an event as id, event and data lines ended by a blank line', () => {
    const sut = sseEvent(2, 'approval.approved', '{"id":"evt_1","type":"approval.approved"}');
    expect(sut).toBe('id: 2\nevent: approval.approved\ndata: {"id":"evt_1","type":"approval.approved"}\n\n');
  });

  it('splits data with line breaks into one data field per line, so the browser joins them back with \\n', () => {
    expect(sseEvent(1, 'x', 'a\nb\r\nc\rd')).toBe('id: 1\nevent: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n');
  });

  it('never lets a line break in the type start a new field', () => {
    expect(sseEvent(1, 'a\nid: 99', '{}')).toBe('id: 1\nevent: a id: 99\ndata: {}\n\n');
  });

  it('writes comments as lines starting with a colon', () => {
    expect(sseComment('keep-alive')).toBe(': keep-alive\n\n');
    expect(sseComment('a\nb')).toBe(': a\n: b\n\n');
  });

  it('writes retry as a whole number of milliseconds', () => {
    expect(sseRetry(3000)).toBe('retry: 3000\n\n');
    expect(sseRetry(1500.6)).toBe('retry: 1501\n\n');
    expect(sseRetry(-5)).toBe('retry: 0\n\n');
  });
});
