import { UpstreamCreateTimings } from './upstream-create-timings';

describe(UpstreamCreateTimings.name, () => {
  it('draws only durations it recorded, each of them reachable', () => {
    let next = 0;
    const draws = [0, 0.34, 0.67, 0.99];
    const sut = new UpstreamCreateTimings(8, () => draws[next++]);
    [120, 80, 300].forEach((ms) => sut.record(ms));
    expect([sut.draw(), sut.draw(), sut.draw(), sut.draw()]).toEqual([120, 80, 300, 300]);
  });

  it('keeps the most recent durations, forgetting the oldest first', () => {
    const sut = new UpstreamCreateTimings(2, () => 0);
    [10, 20, 30].forEach((ms) => sut.record(ms));
    expect(sut.draw()).toBe(30);
    const last = new UpstreamCreateTimings(2, () => 0.99);
    [10, 20, 30].forEach((ms) => last.record(ms));
    expect(last.draw()).toBe(20);
  });

  it('falls back to about one round trip before anything was recorded', () => {
    expect(new UpstreamCreateTimings().draw()).toBe(100);
  });

  it('pads by the drawn duration', async () => {
    jest.useFakeTimers();
    try {
      const sut = new UpstreamCreateTimings(4, () => 0);
      sut.record(250);
      let done = false;
      const padding = sut.pad().then(() => (done = true));
      await jest.advanceTimersByTimeAsync(249);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await padding;
      expect(done).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
