/**
 * A typed stand-in for one of our own classes: the stubbed methods answer, and any other method
 * throws, so a test fails loudly when the code under test calls something it did not expect.
 */
export function strictMock<T extends object>(stubs: Partial<Record<keyof T, unknown>> = {}, name = 'mock'): jest.Mocked<T> {
  const fns = new Map<PropertyKey, jest.Mock>();
  for (const [key, value] of Object.entries(stubs)) {
    fns.set(key, typeof value === 'function' ? jest.fn(value as (...args: unknown[]) => unknown) : (value as jest.Mock));
  }
  return new Proxy({} as jest.Mocked<T>, {
    get(_target, property) {
      if (property === 'then') return undefined;
      const fn = fns.get(property);
      if (fn) return fn;
      throw new Error(`${name}.${String(property)} was called but not stubbed`);
    },
    set(_target, property, value) {
      fns.set(property, value as jest.Mock);
      return true;
    },
  });
}
