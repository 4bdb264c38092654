import { ClientSlots } from './client-slots';

describe(ClientSlots.name, () => {
  afterEach(() => jest.useRealTimers());

  it('gives up to the limit at once, per client', async () => {
    const sut = new ClientSlots(2, 2, 1000);
    expect(await sut.acquire('a')).toBeDefined();
    expect(await sut.acquire('a')).toBeDefined();
    expect(await sut.acquire('b')).toBeDefined();
    expect(sut.snapshot()).toEqual({ a: { inFlight: 2, waiting: 0 }, b: { inFlight: 1, waiting: 0 } });
  });

  it('hands a released slot to the first waiter, in arrival order', async () => {
    const sut = new ClientSlots(2, 2, 60_000);
    const first = (await sut.acquire('a'))!;
    await sut.acquire('a');
    const order: string[] = [];
    const second = sut.acquire('a').then((release) => (order.push('second'), release));
    const third = sut.acquire('a').then((release) => (order.push('third'), release));
    first();
    (await second)!();
    expect(await third).toBeDefined();
    expect(order).toEqual(['second', 'third']);
    expect(sut.snapshot()).toEqual({ a: { inFlight: 2, waiting: 0 } });
  });

  it('releases once however often release is called', async () => {
    const sut = new ClientSlots(1, 1, 60_000);
    const release = (await sut.acquire('a'))!;
    const waiting = sut.acquire('a');
    release();
    release();
    expect(await waiting).toBeDefined();
    expect(sut.snapshot()).toEqual({ a: { inFlight: 1, waiting: 0 } });
  });

  it('sends the caller aside when the wait runs out, and leaves the queue clean', async () => {
    jest.useFakeTimers();
    const sut = new ClientSlots(1, 1, 500);
    const held = (await sut.acquire('a'))!;
    const waiting = sut.acquire('a');
    jest.advanceTimersByTime(500);
    expect(await waiting).toBeUndefined();
    held();
    expect(sut.snapshot()).toEqual({});
  });

  it('lets at most `maxWaiting` deliveries of one client wait', async () => {
    const sut = new ClientSlots(2, 2, 60_000);
    const held = [(await sut.acquire('a'))!, (await sut.acquire('a'))!];
    const waiting = [sut.acquire('a'), sut.acquire('a')];
    expect(await sut.acquire('a')).toBeUndefined();
    expect(sut.snapshot()).toEqual({ a: { inFlight: 2, waiting: 2 } });
    held.forEach((release) => release());
    (await Promise.all(waiting)).forEach((release) => release!());
    expect(sut.snapshot()).toEqual({});
  });

  it('gives a free slot at once with tryAcquire, and none while others wait for one', async () => {
    const sut = new ClientSlots(1, 2, 60_000);
    const first = sut.tryAcquire('a')!;
    expect(first).toBeDefined();
    expect(sut.tryAcquire('a')).toBeUndefined();
    const waiting = sut.acquire('a');
    first();
    expect(sut.tryAcquire('a')).toBeUndefined();
    (await waiting)!();
    expect(sut.tryAcquire('a')).toBeDefined();
  });
});
