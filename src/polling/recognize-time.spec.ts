import { recognizeTimeToIso } from './recognize-time';

describe('recognizeTimeToIso', () => {
  it("reads Recognize's zone-less time as UTC and writes it with Z", () => {
    expect(recognizeTimeToIso('2026-12-01T11:07:45.560')).toBe('2026-12-01T11:07:45.560Z');
    expect(recognizeTimeToIso('2026-12-01T11:07:45')).toBe('2026-12-01T11:07:45.000Z');
  });

  it('keeps microseconds to the millisecond', () => {
    expect(recognizeTimeToIso('2026-12-01T11:07:45.560123')).toBe('2026-12-01T11:07:45.560Z');
  });

  it('converts a time with a zone to UTC', () => {
    expect(recognizeTimeToIso('2026-12-01T12:07:45.560+01:00')).toBe('2026-12-01T11:07:45.560Z');
    expect(recognizeTimeToIso('2026-12-01T11:07:45.560Z')).toBe('2026-12-01T11:07:45.560Z');
  });

  it('keeps a value that is not a time as it was sent', () => {
    expect(recognizeTimeToIso('yesterday-ish')).toBe('yesterday-ish');
  });
});
